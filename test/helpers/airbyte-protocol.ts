import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

let validator: ValidateFunction | undefined;

/** Validates one message against AirbyteMessage in the protocol's own JSON Schema. */
export function airbyteMessageErrors(message: unknown): string | null {
  if (!validator) {
    const protocol = parse(readFileSync(resolve('test/fixtures/airbyte_protocol.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ ...protocol, $id: 'airbyte_protocol' });
    validator = ajv.compile({ $ref: 'airbyte_protocol#/definitions/AirbyteMessage' });
  }
  return validator(message) ? null : JSON.stringify(validator.errors);
}
