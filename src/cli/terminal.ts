import { styleText } from 'node:util';
import { formatDuration, stepEndLine, type Logger, type Step } from '../util/logger.js';
import type { TablePaint, TableStyle } from '../report/table.js';

type Style = Parameters<typeof styleText>[0];

/**
 * Colour or not, decided once: --color / --no-color, then FORCE_COLOR, then NO_COLOR
 * (https://no-color.org), then whether the stream is a terminal that is not "dumb".
 */
export function colourWanted(
  flag: boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean | undefined,
): boolean {
  if (flag !== undefined) return flag;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY === true && env.TERM !== 'dumb';
}

/** Applies styles only when colour is on; the decision is ours, so styleText does not re-check the stream. */
export function painter(colour: boolean): (style: Style, text: string) => string {
  return colour ? (style, text) => styleText(style, text, { validateStream: false }) : (_style, text) => text;
}

/** How a terminal shows what the table marks. */
const STYLES: Record<TableStyle, Style> = {
  critical: ['bold', 'red'],
  high: 'red',
  medium: 'yellow',
  low: 'cyan',
  info: 'gray',
  fail: ['bold', 'red'],
  pass: ['bold', 'green'],
  heading: 'bold',
  location: 'underline',
};

/** The table's painter for a terminal: its marks as colours, or nothing when colour is off. */
export function tablePainter(colour: boolean): TablePaint {
  const paint = painter(colour);
  return (style, text) => paint(STYLES[style], text);
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface TerminalOptions {
  write: (text: string) => void;
  /** Standard error is a terminal: progress is a live line, redrawn; otherwise one line per finished step. */
  live: boolean;
  colour: boolean;
  redact: (text: string) => string;
  /** For tests: the clock and the redraw timer. */
  now?: () => number;
  setInterval?: (fn: () => void, ms: number) => { unref?: () => void };
  clearInterval?: (handle: unknown) => void;
}

/**
 * The CLI's logger on standard error: messages as lines, long steps as progress. On a terminal
 * each running step shows a spinner and its elapsed time on one redrawn line; when it ends a
 * line says how it ended and how long it took. Not on a terminal, only that last line is written.
 */
export function terminalLogger(options: TerminalOptions): Logger {
  const paint = painter(options.colour);
  const now = options.now ?? (() => performance.now());
  const running = new Map<number, { title: string; started: number; detail: string }>();
  let nextId = 0;
  let frame = 0;
  let drawn = false;
  let timer: unknown;
  const clear = () => {
    if (drawn) options.write('\r\x1b[2K');
    drawn = false;
  };
  const draw = () => {
    if (!options.live || running.size === 0) return;
    const [first] = running.values();
    if (!first) return;
    const others = running.size > 1 ? ` (+${running.size - 1} more)` : '';
    const elapsed = formatDuration(now() - first.started);
    const text = `${SPINNER[frame % SPINNER.length]} ${first.title}${first.detail ? `: ${first.detail}` : ''}${others} ${elapsed}`;
    frame += 1;
    clear();
    options.write(paint('cyan', options.redact(text).slice(0, 200)));
    drawn = true;
  };
  const line = (text: string) => {
    clear();
    options.write(`${options.redact(text)}\n`);
    draw();
  };
  const stopTimerIfIdle = () => {
    if (running.size === 0 && timer !== undefined) {
      (options.clearInterval ?? clearInterval)(timer as NodeJS.Timeout);
      timer = undefined;
    }
  };
  return {
    info: (message) => line(message),
    warning: (message) => line(`${paint('yellow', 'warning:')} ${message}`),
    group: () => {},
    step: (title): Step => {
      const id = nextId++;
      running.set(id, { title, started: now(), detail: '' });
      if (options.live && timer === undefined) {
        const handle = (options.setInterval ?? setInterval)(draw, 100);
        handle.unref?.();
        timer = handle;
      }
      draw();
      const finish = (ok: boolean, detail: string | undefined) => {
        const step = running.get(id);
        if (!step) return;
        running.delete(id);
        stopTimerIfIdle();
        line(stepEndLine(ok ? paint('green', '✓') : paint('red', '✗'), title, detail, now() - step.started));
      };
      return {
        update: (detail) => {
          const step = running.get(id);
          if (step) step.detail = detail;
        },
        done: (detail) => finish(true, detail),
        failed: (detail) => finish(false, detail),
      };
    },
  };
}
