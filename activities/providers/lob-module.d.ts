// lob v7 ships no types; this declares the part we use.
declare module 'lob' {
  interface LobLetter {
    id: string;
  }
  interface LobClient {
    letters: { create(params: object, headers: Record<string, string>): Promise<LobLetter> };
  }
  const Lob: new (apiKey: string, options?: { host?: string }) => LobClient;
  export default Lob;
}
