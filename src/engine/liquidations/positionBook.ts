import type { Address } from "../../addressBook.js";
import {
  type AaveEModeCategory,
  type AavePosition,
  type AaveReserve,
  type AaveRules,
  type AccountData,
  accountData,
  normalizedDebt,
  normalizedIncome,
  reserveParams,
} from "./accountData.js";

const WAD = 10n ** 18n;
/** Float health factors below this are clearly under one (the exact one is never above the float). */
const SCREEN_ABOVE = 1 - 1e-6;

/**
 * Every tracked borrower's position, laid out for the question asked after each oracle price
 * or block: who is under a health factor of one now? The positions' scaled amounts sit in one
 * Float64Array per kind (user × reserve), so a pass over ten thousand positions is a few
 * multiplications each; only those the floats put within a millionth of one, or under it, are
 * valued exactly as the Pool values them (`accountData`), and only the exact value decides.
 *
 * Stable-rate debt and efficiency modes are valued exactly for every user that has them: they
 * are rare, and their floats would need more state than they are worth.
 */
export class PositionBook {
  private readonly ids: number[];
  private readonly slot = new Map<number, number>();
  private readonly users: Address[] = [];
  private readonly userIndex = new Map<Address, number>();
  private readonly positions: AavePosition[] = [];
  private collateral = new Float64Array(0);
  private debt = new Float64Array(0);
  /** Users found under one at the last scan. */
  private readonly under = new Set<number>();
  /** Users valued exactly whatever their floats say (stable debt, an efficiency mode). */
  private readonly alwaysExact = new Set<number>();

  /**
   * A float health factor must clear one by this factor to be passed over: the Pool rounds the
   * average liquidation threshold down to whole basis points (up to one part in the lowest
   * threshold), and everything else it rounds moves by far less.
   */
  private readonly screen: number;

  constructor(
    private reserves: Map<number, AaveReserve>,
    private readonly eModes: ReadonlyMap<number, AaveEModeCategory> = new Map(),
    /** Whose arithmetic decides: the market's Aave version. */
    private readonly rules: AaveRules = "3.0",
  ) {
    this.ids = [...reserves.keys()].sort((a, b) => a - b);
    this.ids.forEach((id, i) => {
      this.slot.set(id, i);
    });
    const thresholds = [...reserves.values()]
      .map((r) => Number(reserveParams(r.configuration).liquidationThreshold))
      .filter((t) => t > 0);
    const lowest = Math.min(...thresholds, ...[...eModes.values()].map((e) => Number(e.liquidationThreshold)));
    this.screen = (1 + 1e-6) / (1 - 1 / (Number.isFinite(lowest) && lowest > 1 ? lowest : 2));
  }

  /** The bytes of the book's typed arrays (the positions' floats). */
  get bytes(): number {
    return this.collateral.byteLength + this.debt.byteLength;
  }

  /** How many positions are tracked. */
  get size(): number {
    return this.users.length;
  }

  /** Adds or replaces a user's position (after an event that changed it). */
  set(position: AavePosition): void {
    let u = this.userIndex.get(position.user);
    if (u === undefined) {
      u = this.users.length;
      this.users.push(position.user);
      this.userIndex.set(position.user, u);
      this.grow(u + 1);
    }
    this.positions[u] = position;
    // A changed position is judged afresh: if it is under one again, that is news.
    this.under.delete(u);
    const R = this.ids.length;
    this.collateral.fill(0, u * R, (u + 1) * R);
    this.debt.fill(0, u * R, (u + 1) * R);
    for (const [id, r] of this.slot) {
      const bits = (position.configuration >> BigInt(2 * id)) & 3n;
      if ((bits & 2n) !== 0n) this.collateral[u * R + r] = Number(position.scaledCollateral.get(id) ?? 0n);
      if ((bits & 1n) !== 0n) this.debt[u * R + r] = Number(position.scaledVariableDebt.get(id) ?? 0n);
    }
    if (position.stableDebt.size > 0 || position.eModeCategory !== 0) this.alwaysExact.add(u);
    else this.alwaysExact.delete(u);
  }

  /** The position of `user`, if tracked. */
  get(user: Address): AavePosition | undefined {
    const u = this.userIndex.get(user);
    return u === undefined ? undefined : this.positions[u];
  }

  /**
   * Replaces one reserve's state (a new price, new indexes or rates).
   *
   * @throws where the reserve is not one the book was built with: a reserve listed later needs a
   *   new book (its layout has a column per reserve).
   */
  updateReserve(reserve: AaveReserve): void {
    if (!this.slot.has(reserve.id))
      throw new Error(`reserve ${reserve.id} (${reserve.asset}) was listed after the position book was built`);
    this.reserves.set(reserve.id, reserve);
  }

  /** The exact account data of `user` at `now`. */
  accountData(user: Address, now: bigint): AccountData | undefined {
    const position = this.get(user);
    return position === undefined ? undefined : accountData(this.reserves, position, now, this.eModes, this.rules);
  }

  /**
   * The users under one at `now` that were not at the last call of either method: what an
   * oracle price change or a block has just made liquidatable. Users already known to be under
   * one are passed over while their floats keep them clearly under it.
   */
  newlyLiquidatable(now: bigint): { user: Address; data: AccountData }[] {
    return this.scan(now, true);
  }

  /**
   * Every tracked user whose health factor at `now` is under one, with their exact account
   * data: a float pass over all, then the Pool's arithmetic for those near or under one.
   */
  liquidatable(now: bigint): { user: Address; data: AccountData }[] {
    return this.scan(now, false);
  }

  private scan(now: bigint, onlyNew: boolean): { user: Address; data: AccountData }[] {
    const R = this.ids.length;
    // Per reserve: a unit of scaled collateral and of scaled debt in the base currency, and the
    // collateral's weight at its liquidation threshold.
    const collateralValue = new Float64Array(R);
    const debtValue = new Float64Array(R);
    this.ids.forEach((id, r) => {
      const reserve = this.reserves.get(id) as AaveReserve;
      const params = reserveParams(reserve.configuration);
      const perUnit = Number(reserve.price) / 10 ** Number(params.decimals);
      const threshold = Number(params.liquidationThreshold) / 1e4;
      collateralValue[r] = (Number(normalizedIncome(reserve, now)) / 1e27) * perUnit * threshold;
      debtValue[r] = (Number(normalizedDebt(reserve, now, this.rules)) / 1e27) * perUnit;
    });
    const found: { user: Address; data: AccountData }[] = [];
    const n = this.users.length;
    const { collateral, debt } = this;
    for (let u = 0; u < n; u++) {
      let weighted = 0;
      let owed = 0;
      const base = u * R;
      for (let r = 0; r < R; r++) {
        weighted += (collateral[base + r] as number) * (collateralValue[r] as number);
        owed += (debt[base + r] as number) * (debtValue[r] as number);
      }
      const exact = this.alwaysExact.has(u);
      // Each reserve's value is rounded down to a unit of the base currency on its own: R units
      // of slack for dust positions.
      if (!exact && (!(owed > 0) || weighted - R >= owed * this.screen)) {
        this.under.delete(u);
        continue;
      }
      // Known to be under one and clearly still so: not new.
      if (onlyNew && !exact && this.under.has(u) && weighted < owed * SCREEN_ABOVE) continue;
      const data = accountData(this.reserves, this.positions[u] as AavePosition, now, this.eModes, this.rules);
      if (data.healthFactor >= WAD) {
        this.under.delete(u);
        continue;
      }
      if (onlyNew && this.under.has(u)) continue;
      this.under.add(u);
      found.push({ user: this.users[u] as Address, data });
    }
    return found;
  }

  private grow(users: number): void {
    const R = this.ids.length;
    if (this.collateral.length >= users * R) return;
    const capacity = Math.max(users, this.users.length * 2, 64) * R;
    const collateral = new Float64Array(capacity);
    collateral.set(this.collateral);
    const debt = new Float64Array(capacity);
    debt.set(this.debt);
    this.collateral = collateral;
    this.debt = debt;
  }
}
