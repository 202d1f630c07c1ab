/**
 * Downloads of Telegram files for the media kit: `getFile` gives the file's path, then
 * `GET <apiRoot>/file/bot<token>/<path>` gives the bytes. The URL holds the bot token, so it is
 * built here and never leaves this function (the kit sees only the response).
 */
import type { Api } from 'grammy';
import type { FileDownloader } from './normalize.ts';

type GrammySignal = NonNullable<Parameters<Api['getFile']>[1]>;

export function telegramFileDownloader(api: Api, apiRoot: string, token: string): FileDownloader {
  const root = apiRoot.replace(/\/+$/, '');
  return (fileId) => async (signal) => {
    const file = await api.getFile(fileId, signal as unknown as GrammySignal);
    if (file.file_path === undefined) throw new Error('telegram getFile gave no file_path');
    return fetch(`${root}/file/bot${token}/${file.file_path}`, { signal, redirect: 'error' });
  };
}
