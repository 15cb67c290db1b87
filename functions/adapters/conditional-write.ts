// A DynamoDB write with a condition: its refusal is an answer (false), not an error.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

export async function whenConditionHolds(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
