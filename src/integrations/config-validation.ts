// Checks an integration's config against its template's JSON Schema (templates are data, editable by
// the platform operator, so zod cannot describe them) and reports every problem with a JSON pointer.
import { type OutputUnit, type Schema, Validator } from '@cfworker/json-schema';

export type ConfigProblem = {
  /** JSON pointer into the config (`/deviceToken`, `` for the object itself). */
  path: string;
  message: string;
};

// Templates are few and rarely change: compile each schema once (keyed by its JSON text).
const validators = new Map<string, Validator>();

function validatorFor(schema: Record<string, unknown>): Validator {
  const key = JSON.stringify(schema);
  let validator = validators.get(key);
  if (!validator) {
    validator = new Validator(schema as Schema, '2020-12', false);
    if (validators.size > 100) validators.clear();
    validators.set(key, validator);
  }
  return validator;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function quoted(message: string): string | undefined {
  return /"([^"]*)"/.exec(message)?.[1];
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function toProblem(unit: OutputUnit): ConfigProblem | null {
  const path = unit.instanceLocation.replace(/^#/, '');
  switch (unit.keyword) {
    // Wrapper errors repeat a deeper, more precise one.
    case 'properties':
    case 'items':
    case 'prefixItems':
    case 'allOf':
    case 'false':
    case '$ref':
      return null;
    case 'required': {
      const name = quoted(unit.error);
      return name ? { path: `${path}/${escapePointer(name)}`, message: 'is required' } : { path, message: unit.error };
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = quoted(unit.error);
      return name
        ? { path: `${path}/${escapePointer(name)}`, message: 'is not a known field' }
        : { path, message: unit.error };
    }
    case 'type': {
      const expected = /Expected "([^"]+)"/.exec(unit.error)?.[1];
      return { path, message: expected ? `must be ${article(expected)} ${expected}` : unit.error };
    }
    case 'pattern':
      return { path, message: 'has an invalid format' };
    case 'format': {
      const format = quoted(unit.error);
      return { path, message: format ? `must be a valid ${format === 'uri' ? 'URL' : format}` : unit.error };
    }
    case 'enum':
    case 'const':
      return { path, message: 'is not one of the allowed values' };
    default:
      return { path, message: unit.error };
  }
}

/** Validates `config` against a template's JSON Schema; an empty list means valid. */
export function validateIntegrationConfig(schema: Record<string, unknown>, config: unknown): ConfigProblem[] {
  const result = validatorFor(schema).validate(config);
  if (result.valid) return [];
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const unit of result.errors) {
    const problem = toProblem(unit);
    if (!problem) continue;
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems.length > 0 ? problems : [{ path: '', message: 'Config does not match the template schema' }];
}
