// Event time and epochs. Event time is MICROseconds since epoch (the unit of TIMESTAMP values);
// +Infinity marks end of input. Pure arithmetic only: no clocks are read here.

export type EventTime = number;
export type Epoch = number;

export const END_OF_TIME: EventTime = Number.POSITIVE_INFINITY;
export const BEFORE_TIME: EventTime = Number.NEGATIVE_INFINITY;

/** Minimum over inputs that are not idle; -Infinity if every input is idle or none exists. */
export function minWatermark(inputs: readonly { watermark: EventTime; idle: boolean }[]): EventTime {
  let min = Number.POSITIVE_INFINITY;
  let active = 0;
  for (const i of inputs) {
    if (i.idle) continue;
    active++;
    if (i.watermark < min) min = i.watermark;
  }
  return active === 0 ? BEFORE_TIME : min;
}
