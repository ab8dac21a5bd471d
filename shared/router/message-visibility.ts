/** The router's port for delaying a failed message's next delivery. */
export interface MessageVisibility {
  delay(receiptHandle: string, seconds: number): Promise<void>;
}
