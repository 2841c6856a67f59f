/** The throwaway PostgreSQL cluster lives with the reference gateway, which `npm start` also uses. */
export { findPostgres, startPostgres, type TestPostgres } from '../../examples/gateway/cluster.js';
