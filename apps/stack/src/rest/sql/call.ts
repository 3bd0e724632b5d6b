import type { CallPlan } from '../plan/types.js';
import { ident, type Params, pgArrayLiteral, qualified } from './fragments.js';
import { jsonBodySource, recordType } from './mutate.js';

/**
 * callPlanToQuery: `SELECT … FROM schema.fn(a := …)`. GET arguments are bind parameters cast
 * to the parameter types; a POST body is unpacked with json_to_record like a row to insert.
 */
export function callSql(plan: CallPlan, p: Params): string {
  const routine = plan.routine;
  const fn = qualified(routine);
  const scalar = plan.scalar || plan.setOfScalar || routine.returnsVoid;
  const callIt = (args: string) =>
    scalar ? `(SELECT ${fn}(${args}) pgrst_scalar) pgrst_call` : `${fn}(${args}) pgrst_call`;
  const columns = scalar
    ? 'pgrst_call.pgrst_scalar'
    : plan.returning.length === 0
      ? 'pgrst_call.*'
      : plan.returning.map((c) => `pgrst_call.${ident(c)}`).join(', ');

  let from: string;
  if (!Array.isArray(plan.params)) {
    const param = plan.params.positional;
    const raw = plan.args.kind === 'direct' ? null : plan.args.raw;
    from = `FROM ${callIt(`${p.add(raw)}::${param.type}`)}`;
  } else if (plan.params.length === 0) {
    from = `FROM ${callIt('')}`;
  } else if (plan.args.kind === 'direct') {
    const values = plan.args.values;
    const args = plan.params.map((param) => {
      const given = values.get(param.name) ?? [];
      const value = param.variadic
        ? given.length === 1 && /^\{.*\}$/s.test(given[0] as string)
          ? (given[0] as string)
          : pgArrayLiteral(given)
        : given[given.length - 1];
      return `${param.variadic ? 'VARIADIC ' : ''}${ident(param.name)} := ${p.add(value)}::${recordType(param.type)}`;
    });
    from = `FROM ${callIt(args.join(', '))}`;
  } else {
    const raw = plan.args.raw;
    const isObject = raw.trimStart().startsWith('{');
    const body = jsonBodySource(
      { raw, isObject },
      plan.params.map((param) => ({ name: param.name, type: param.type, default: null })),
      false,
      isObject,
      p,
    );
    const args = plan.params
      .map(
        (param) =>
          `${param.variadic ? 'VARIADIC ' : ''}${ident(param.name)} := pgrst_body.${ident(param.name)}`,
      )
      .join(', ');
    from = `${body}, LATERAL ${callIt(args)}`;
  }
  return `SELECT ${columns} ${from}`;
}
