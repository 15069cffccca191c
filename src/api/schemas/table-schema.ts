/**
 * The answer of PyFarm's `/<resource>/schema` endpoints: each column a client may see, with its SQL type
 * as PyFarm printed it (`INTEGER`, `VARCHAR(64)`, `BOOLEAN`, `TEXT`, ...).
 */
import Type from 'typebox';

export const TableSchema = Type.Record(Type.String(), Type.String(), {
  description: 'column name → SQL type',
});
