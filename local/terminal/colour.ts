import { styleText } from "node:util";

export type Style = Parameters<typeof styleText>[0];
/** Styles text, or leaves it plain when colour is off. */
export type Paint = (style: Style, text: string) => string;

/**
 * Whether to colour a stream, by the usual conventions: FORCE_COLOR (anything but `0` or `false`)
 * wins, then NO_COLOR (any non-empty value) and TERM=dumb turn colour off; otherwise a terminal
 * gets colour and a pipe or file does not.
 */
export function colourWanted(env: NodeJS.ProcessEnv, isTerminal: boolean): boolean {
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  if (env.NO_COLOR) return false;
  if (env.TERM === "dumb") return false;
  return isTerminal;
}

/** The decision is ours (colourWanted), so Node is not asked to check the stream again. */
export const painter = (colour: boolean): Paint =>
  colour ? (style, text) => styleText(style, text, { validateStream: false }) : (_style, text) => text;
