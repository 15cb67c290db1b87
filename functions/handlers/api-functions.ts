// Which Lambda serves which route of the contract: PublicApi the routes anyone may call, EditorApi those behind the
// JWT authorizer, each with a role for its own routes only. Read by the API handler and by the CDK app.
import { ROUTES, type RouteName, type RouteSpec } from './routes.ts';

export type ApiFunction = 'public' | 'editor';

export const apiFunctionOf = (spec: RouteSpec): ApiFunction => (spec.access === 'public' ? 'public' : 'editor');

/** The names of the routes one function serves, in the route table's order. */
export const routesOf = (fn: ApiFunction): RouteName[] =>
  (Object.keys(ROUTES) as RouteName[]).filter((name) => apiFunctionOf(ROUTES[name]) === fn);
