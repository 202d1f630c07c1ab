/**
 * Precompiled validators (scripts/build-validators.ts): loading one costs far less than
 * compiling the schema at start-up. Same ajv options as runtime compilation, so same results.
 */
import rootValidator from '../../schemas/generated/moltbot.config.validate.ts';
import type { Validator } from './compile.ts';

/** Validates the root config against schemas/moltbot.config.json, inserting its defaults. */
export const validateRootConfig: Validator = rootValidator;
