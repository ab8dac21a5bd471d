import { LogFormatter, LogItem } from "@aws-lambda-powertools/logger";
import type { LogAttributes, UnformattedAttributes } from "@aws-lambda-powertools/logger/types";
import { originalStack } from "./original-stack";

/** Whether Lambda recorded this invocation's trace (the runtime sets the header per invocation). */
const traceRecorded = () => process.env._X_AMZN_TRACE_ID?.includes("Sampled=1") === true;

/**
 * Powertools' log line without what costs bytes on every line and says nothing new: no function
 * name, ARN, memory size or request id (Lambda's own records and the log stream say them), no
 * `service` (the log group says which function wrote it; the EMF lines keep it, as a dimension),
 * no `sampling_rate`, and the X-Ray trace id only when that trace was recorded (an unsampled id
 * leads nowhere). The timestamp stays: `npm start` shows each line's own time. Errors carry their
 * stack in the source's terms (see original-stack.ts).
 */
export class LeanLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        ...(traceRecorded() ? { xray_trace_id: attributes.xRayTraceId } : {}),
      },
    }).addAttributes(additional);
  }

  override formatError(error: Error): LogAttributes {
    const formatted = super.formatError(error);
    const stack = originalStack(error.stack);
    return stack === error.stack ? formatted : { ...formatted, location: this.getCodeLocation(stack), stack };
  }
}
