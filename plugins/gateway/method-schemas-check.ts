/**
 * `moltbot doctor` compiles the params schema of every declared RPC method. Start-up does not
 * (compiling costs milliseconds a schema, and the methods nobody calls would pay it): without
 * this check a third-party method with a schema ajv refuses would only fail at its first call.
 */
import type { CheckReport } from '../../sdk/core/index.ts';
import type { MethodRegistry } from '../../sdk/gateway/index.ts';

export function checkMethodSchemas(registry: MethodRegistry, report: CheckReport): void {
  const broken: string[] = [];
  for (const info of registry.list()) {
    try {
      registry.validator(info);
    } catch (error) {
      broken.push(`${info.name} (plugin "${info.plugin}"): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  report.add(broken.length === 0
    ? { id: 'gateway.method_schemas', severity: 'ok', title: 'RPC method schemas', description: `The params schemas of all ${registry.list().length} methods compile.` }
    : {
      id: 'gateway.method_schemas', severity: 'critical', title: 'RPC method schemas',
      description: `Calls to these methods fail until their params schema is fixed: ${broken.join('; ')}`,
      recommendation: 'Fix the schema in the named plugin\'s defineMethod() call (ajv strict mode: no unknown keywords, explicit types).',
    });
}
