import type { Request } from 'express';

export interface StoredKey {
  requestHash: string;
  status: number | null;
  response: unknown;
  /** The first response's Location header, if it had one. */
  location: string | null;
}

/**
 * Where one caller's keys live: a tenant's own table for the tenant API, the control plane for an
 * operator. Each store sees one caller's keys only.
 */
export interface KeyStore {
  /** Takes the key for a new request (new, or past its time); true when this request owns it. */
  claim(key: string, requestHash: string, expiredBefore: Date, staleBefore: Date): Promise<boolean>;
  find(key: string): Promise<StoredKey | undefined>;
  complete(key: string, status: number, response: unknown, location?: string): Promise<void>;
  /** Gives the key back after a failed request, so a retry runs afresh. */
  release(key: string): Promise<void>;
  /** Whose keys `purgeExpired` deletes: purges are spaced out per owner. */
  owner(): string;
  /** Deletes this owner's keys created before `expiredBefore`; returns how many. */
  purgeExpired(expiredBefore: Date): Promise<number>;
}

/** The app's choice of store for a request (after its guard ran): provided under this token. */
export const KEY_STORE_FOR_REQUEST = Symbol('KEY_STORE_FOR_REQUEST');
export type KeyStoreForRequest = (request: Request) => KeyStore;
