/** Column conventions: times are epoch milliseconds, JSON columns are strings, booleans are 0/1. */
export type Json = string;
export type Ms = number;
export type Flag = number;
