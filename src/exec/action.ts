/** The action a worker performs on each node: run a shell command, or copy files to or from it. */
export type Action =
  | { kind: 'shell'; command: string }
  | {
      kind: 'copy';
      /** Local path (copy) or remote path (rcopy); may hold %h/%n. */
      source: string;
      /** Remote path (copy) or local directory (rcopy); may hold %h/%n. */
      dest: string;
      preserve: boolean;
      reverse: boolean;
      /** Copy recursively (the local source is a directory; always true for rcopy). */
      recursive: boolean;
    };
