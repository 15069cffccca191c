/**
 * How ClusterShell folds a RangeSet into `a-b/step` slices (RangeSet._slices_padding in 1.9.1), ported
 * element for element so the output matches byte for byte, including its quirks:
 *   - a run breaks when the padding class changes (a padded run keeps its width; an unpadded run takes
 *     no padded element);
 *   - a stepped run (step > 1) is kept only when it holds at least `autostep + 1` elements, otherwise its
 *     items come out singly; a step-1 run is always kept;
 *   - the last run is judged against the set's own autostep (`finalAutostep`), even when the caller asked
 *     for another threshold, which is why `contiguous()` may end with a stepped slice.
 * Scanning a set of a million elements element by element would be slow, so inside a run of consecutive
 * elements of one length the scan jumps to the end: once a step-1 run has taken an element, every later
 * element of the same interval and length extends it without touching any other state.
 */
import { classEnd, digitLength, isPadded, valueOf } from './range-element.js';

/** A folded slice: elements start, start+step, ... below stop, written with `pad` digits (0: none). */
export interface FoldedSlice {
  start: number;
  stop: number;
  step: number;
  pad: number;
}

export function foldSlices(
  intervals: readonly number[],
  autostep: number,
  finalAutostep: number,
): FoldedSlice[] {
  const out: FoldedSlice[] = [];
  let started = false;
  let curStart = 0;
  let curPadded = false;
  let curPad = 0;
  let curStep: number | undefined;
  let lastIdx = 0;
  const padOf = (): number => (curPadded ? curPad : 0);

  const take = (ord: number): void => {
    const idx = valueOf(ord);
    const len = digitLength(ord);
    const padded = isPadded(ord);
    if (!started) {
      started = true;
      curPadded = padded;
      curPad = len;
      curStart = idx;
      curStep = undefined;
      lastIdx = idx;
      return;
    }
    const paddingMismatch = curPadded ? len !== curPad : padded;
    const stepMismatch = !paddingMismatch && curStep !== undefined && curStep !== idx - lastIdx;
    if (paddingMismatch || stepMismatch) {
      let stepped = true;
      let step = 1;
      if (curStep !== undefined) {
        stepped = curStep === 1 || lastIdx - curStart >= autostep * curStep;
        step = curStep;
      }
      if (stepped) {
        out.push({ start: curStart, stop: lastIdx + 1, step, pad: padOf() });
        curStart = idx;
        curPadded = padded;
        curPad = len;
      } else {
        const stop = paddingMismatch ? lastIdx + 1 : lastIdx - step + 1;
        for (let j = curStart; j < stop; j += step)
          out.push({ start: j, stop: j + 1, step: 1, pad: padOf() });
        if (paddingMismatch) {
          curStart = idx;
          curPadded = padded;
          curPad = len;
        } else curStart = lastIdx;
      }
      curStep = stepMismatch ? idx - lastIdx : undefined;
      lastIdx = idx;
      return;
    }
    curStep = idx - lastIdx;
    lastIdx = idx;
  };

  for (let i = 0; i < intervals.length; i += 2) {
    const hi = intervals[i + 1]!;
    let ord = intervals[i]!;
    while (ord <= hi) {
      const segmentEnd = Math.min(hi, classEnd(ord) - 1);
      while (ord <= segmentEnd) {
        take(ord);
        if (curStep === 1 && ord < segmentEnd) {
          // Every remaining element of this segment extends the step-1 run.
          lastIdx = valueOf(segmentEnd);
          ord = segmentEnd + 1;
          break;
        }
        ord++;
      }
    }
  }

  if (started) {
    const stepped = curStep === undefined || lastIdx - curStart >= finalAutostep * curStep;
    if (stepped || curStep === 1) {
      out.push({ start: curStart, stop: lastIdx + 1, step: curStep ?? 1, pad: padOf() });
    } else {
      for (let j = curStart; j < lastIdx + 1; j += curStep!) {
        out.push({ start: j, stop: j + 1, step: 1, pad: padOf() });
      }
    }
  }
  return out;
}
