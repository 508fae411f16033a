// The registry workspace runs in the browser: its data is the workstation's IndexedDB and the
// signed-in API; the server renders only the shell.
export const ssr = false;
export const prerender = false;
