/** `channels.matrix` platform keys after the schema's defaults. */
export interface MatrixOptions {
  homeserverUrl: string;
  accessToken: string;
  userId?: string;
  autoJoin: 'allowed' | 'off';
  encryptedRoomNotice: boolean;
  pollTimeoutMs: number;
  requestTimeoutMs: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
}
