/**
 * Over ssh the remote login shell runs the user's rc files, which on a shared test machine may print
 * noise of their own (pyenv rehashing races when many shells start at once). Such lines say nothing about
 * the code under test; assertions on stderr drop them.
 */
export const loginShellNoise = (line: string): boolean =>
  /(^|: )(pyenv: |rm: cannot remove '[^']*\.pyenv)/.test(line);

/** `text` without login-shell noise lines. */
export function withoutLoginNoise(text: string): string {
  return text
    .split('\n')
    .filter((line) => !loginShellNoise(line))
    .join('\n');
}
