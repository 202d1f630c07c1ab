/**
 * The text of a document for the model: text files as they are, PDFs through `unpdf` (PDF.js
 * packaged for servers, no native code), both cut at `maxChars`; PDFs read at most `maxPages`.
 * Undefined when a PDF holds no text layer (a scan).
 */
export interface DocumentText {
  text: string;
  /** Something was left out (pages or characters). */
  truncated: boolean;
}

export async function documentText(bytes: Uint8Array, mimeType: string, limits: { maxChars: number; maxPages: number }): Promise<DocumentText | undefined> {
  let text: string;
  let truncated = false;
  if (mimeType === 'application/pdf') {
    // unpdf bundles PDF.js (≈ 2 MB): loaded with the first PDF, not at gateway start.
    const { getDocumentProxy } = await import('unpdf');
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    try {
      const pages = Math.min(pdf.numPages, limits.maxPages);
      truncated = pdf.numPages > pages;
      const parts: string[] = [];
      for (let number = 1; number <= pages; number++) {
        const content = await (await pdf.getPage(number)).getTextContent();
        parts.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
      }
      text = parts.join('\n\n').trim();
    } finally {
      await pdf.cleanup();
    }
    if (text === '') return undefined;
  } else {
    text = new TextDecoder('utf-8').decode(bytes);
  }
  if (text.length > limits.maxChars) {
    text = text.slice(0, limits.maxChars);
    truncated = true;
  }
  return { text, truncated };
}
