// API Gateway route keys for the route table. API Gateway refuses two routes whose path variables at the same place
// under the same parent differ in name (`/archive/{lang}` beside `/archive/{issueId}/{lang}`: a ConflictException at
// deploy time, which synth does not catch). The API handler matches the raw path against the route table itself and
// never reads API Gateway's path parameters, so the CDK app may rename them: each variable takes the name the deepest
// route through that place gave it (`/archive/{issueId}` for the index too), so no path names a variable twice.
import { ROUTES, type RouteName } from '../contracts/routes.ts';

const VARIABLE = /^\{[^}]+\}$/;

/** Each route's path as API Gateway gets it, in the table's order. */
export function apiGatewayPaths<K extends string = RouteName>(
  paths: Record<K, string> = pathsOf() as Record<K, string>,
): Record<K, string> {
  const names = new Map<string, string>(); // parent path (already renamed) -> its variable child's name
  const renamed = {} as Record<K, string>;
  const deepestFirst = (Object.entries(paths) as [K, string][]).sort(
    ([, a], [, b]) => b.split('/').length - a.split('/').length,
  );
  for (const [route, path] of deepestFirst) {
    let parent = '';
    for (const segment of path.split('/').slice(1)) {
      let part = segment;
      if (VARIABLE.test(segment)) {
        if (!names.has(parent)) names.set(parent, segment);
        part = names.get(parent)!;
      }
      parent = `${parent}/${part}`;
    }
    const variables = parent.split('/').filter((segment) => VARIABLE.test(segment));
    if (new Set(variables).size !== variables.length)
      throw new Error(`${path}: names a path variable twice as ${parent}`);
    renamed[route] = parent;
  }
  // In the table's order again, as the routes are made.
  return Object.fromEntries(Object.keys(paths).map((route) => [route, renamed[route as K]])) as Record<K, string>;
}

const pathsOf = () =>
  Object.fromEntries(Object.entries(ROUTES).map(([name, spec]) => [name, spec.path])) as Record<RouteName, string>;
