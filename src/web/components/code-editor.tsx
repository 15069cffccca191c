/**
 * A JavaScript code editor (CodeMirror 6): line numbers, syntax highlighting, bracket matching and
 * closing, indentation on Enter, folding, completion, and an undo history (Mod-z, Mod-Shift-z / Mod-y).
 * Tab is left to the browser so keyboard users can leave the editor; indent with Mod-].
 * The history is small and local because @codemirror/commands is not installed: it records the inverse of
 * each change, merging changes less than 600 ms apart into one step.
 */
import { useEffect, useRef } from 'react';
import { EditorState, StateEffect, StateField, type ChangeSet } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  getIndentation,
  indentOnInput,
  indentString,
  syntaxHighlighting,
} from '@codemirror/language';
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from '@codemirror/autocomplete';
import { javascript } from '@codemirror/lang-javascript';

interface HistoryStep {
  /** Changes that undo the step, applied to the document after it. */
  inverse: ChangeSet;
  /** The changes of the step, to redo it. */
  forward: ChangeSet;
  time: number;
}
interface History {
  done: readonly HistoryStep[];
  undone: readonly HistoryStep[];
}
const EMPTY_HISTORY: History = { done: [], undone: [] };
const setHistory = StateEffect.define<History>();

const historyField = StateField.define<History>({
  create: () => EMPTY_HISTORY,
  update(value, tr) {
    for (const effect of tr.effects) if (effect.is(setHistory)) return effect.value;
    if (!tr.docChanged) return value;
    const inverse = tr.changes.invert(tr.startState.doc);
    const last = value.done.at(-1);
    const now = Date.now();
    if (last && now - last.time < 600) {
      const merged: HistoryStep = {
        inverse: inverse.compose(last.inverse),
        forward: last.forward.compose(tr.changes),
        time: now,
      };
      return { done: [...value.done.slice(0, -1), merged], undone: [] };
    }
    return { done: [...value.done.slice(-199), { inverse, forward: tr.changes, time: now }], undone: [] };
  },
});

function undo(view: EditorView): boolean {
  const h = view.state.field(historyField);
  const step = h.done.at(-1);
  if (!step) return false;
  view.dispatch({
    changes: step.inverse,
    effects: setHistory.of({ done: h.done.slice(0, -1), undone: [...h.undone, { ...step, time: 0 }] }),
    userEvent: 'undo',
  });
  return true;
}

function redo(view: EditorView): boolean {
  const h = view.state.field(historyField);
  const step = h.undone.at(-1);
  if (!step) return false;
  view.dispatch({
    changes: step.forward,
    effects: setHistory.of({ done: [...h.done, step], undone: h.undone.slice(0, -1) }),
    userEvent: 'redo',
  });
  return true;
}

/** Enter: a new line indented like the syntax says (or like the current line). */
function newlineAndIndent(view: EditorView): boolean {
  const { state } = view;
  const range = state.selection.main;
  const line = state.doc.lineAt(range.from);
  const indent = getIndentation(state, range.from) ?? /^\s*/.exec(line.text)?.[0].length ?? 0;
  const insert = `\n${indentString(state, indent)}`;
  view.dispatch(
    state.update({
      changes: { from: range.from, to: range.to, insert },
      selection: { anchor: range.from + insert.length },
      scrollIntoView: true,
      userEvent: 'input',
    }),
  );
  return true;
}

function indentSelection(view: EditorView, by: 1 | -1): boolean {
  const { state } = view;
  const changes = [];
  const seen = new Set<number>();
  for (const r of state.selection.ranges) {
    for (let pos = r.from; pos <= r.to;) {
      const line = state.doc.lineAt(pos);
      if (!seen.has(line.number)) {
        seen.add(line.number);
        if (by > 0) changes.push({ from: line.from, insert: '  ' });
        else {
          const spaces = /^ {1,2}/.exec(line.text)?.[0].length ?? 0;
          if (spaces) changes.push({ from: line.from, to: line.from + spaces });
        }
      }
      pos = line.to + 1;
    }
  }
  view.dispatch({ changes, userEvent: 'input' });
  return true;
}

export function CodeEditor({
  value,
  onChange,
  readOnly = false,
  label,
  height,
}: {
  value: string;
  onChange?(value: string): void;
  readOnly?: boolean;
  label: string;
  height?: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          foldGutter(),
          drawSelection(),
          highlightActiveLine(),
          bracketMatching(),
          closeBrackets(),
          autocompletion(),
          indentOnInput(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          javascript({ typescript: false }),
          historyField,
          keymap.of([
            { key: 'Mod-z', run: undo, preventDefault: true },
            { key: 'Mod-Shift-z', run: redo, preventDefault: true },
            { key: 'Mod-y', run: redo, preventDefault: true },
            { key: 'Enter', run: newlineAndIndent },
            { key: 'Mod-]', run: (v) => indentSelection(v, 1) },
            { key: 'Mod-[', run: (v) => indentSelection(v, -1) },
            ...closeBracketsKeymap,
            ...completionKeymap,
          ]),
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current?.(update.state.doc.toString());
          }),
          ...(height ? [EditorView.theme({ '&': { height: `${height}px` } })] : []),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is created once per mode; value changes from outside are applied below.
  }, [readOnly]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const current = editor.state.doc.toString();
    if (current !== value) {
      editor.dispatch({
        changes: { from: 0, to: current.length, insert: value },
        effects: setHistory.of(EMPTY_HISTORY),
      });
    }
  }, [value]);

  return <div className="code-editor" ref={host} />;
}
