/** The three database servers Drover runs on. */
export type DialectName = 'sqlite' | 'postgres' | 'mysql';
