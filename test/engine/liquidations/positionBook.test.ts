import { expect } from "chai";
import { type AavePosition, accountData, normalizedDebt } from "../../../src/engine/liquidations/accountData.js";
import { liquidationAmounts } from "../../../src/engine/liquidations/liquidationAmounts.js";
import { PositionBook } from "../../../src/engine/liquidations/positionBook.js";
import { syntheticPositions, syntheticReserves } from "./support/syntheticMarket.js";

const WAD = 10n ** 18n;

describe("the position book", () => {
  it("finds exactly the positions under a health factor of one, before and after a price move, as valuing each exactly does", () => {
    const now = 1_800_000_000n;
    const reserves = syntheticReserves(now);
    const positions = syntheticPositions(3_000, reserves);
    const book = new PositionBook(new Map(reserves));
    for (const p of positions) book.set(p);
    const exactly = (at: bigint) =>
      positions
        .filter((p) => accountData(reserves, p, at).healthFactor < 10n ** 18n)
        .map((p) => p.user)
        .sort();
    const found = (at: bigint) =>
      book
        .liquidatable(at)
        .map((f) => f.user)
        .sort();
    expect(found(now)).to.deep.equal(exactly(now));
    expect(found(now).length)
      .to.be.greaterThan(100)
      .and.lessThan(positions.length / 2);
    // A month of interest, then WETH down 7%.
    const later = now + 30n * 24n * 3600n;
    expect(found(later)).to.deep.equal(exactly(later));
    const weth = reserves.get(0);
    if (weth === undefined) throw new Error("no WETH");
    const moved = { ...weth, price: (weth.price * 93n) / 100n };
    reserves.set(0, moved);
    book.updateReserve(moved);
    const after = found(later);
    expect(after).to.deep.equal(exactly(later));
    expect(after.length).to.be.greaterThan(found(now).length);
    // Only those the move put under one are new: every one of them, and no other.
    const fresh = new PositionBook(new Map(syntheticReserves(now)));
    for (const p of positions) fresh.set(p);
    const before = fresh.newlyLiquidatable(later).map((f) => f.user);
    fresh.updateReserve(moved);
    const newly = fresh
      .newlyLiquidatable(later)
      .map((f) => f.user)
      .sort();
    expect(newly).to.deep.equal(after.filter((u) => !before.includes(u)));
    expect(newly.length).to.be.greaterThan(0);
    expect(fresh.newlyLiquidatable(later)).to.deep.equal([]);
    // The exact data it returns is the Pool's arithmetic for that user.
    const [first] = book.liquidatable(later);
    const position = positions.find((p) => p.user === first?.user);
    if (first === undefined || position === undefined) throw new Error("nothing found");
    expect(first.data).to.deep.equal(accountData(reserves, position, later));
  });

  it("finds a position the Pool's rounding of the average threshold puts under one while the floats put it just above", () => {
    const now = 1_800_000_000n;
    const reserves = syntheticReserves(now);
    // WETH (threshold 82.5%) and WBTC (78%) as collateral, USDC as debt.
    const position = (weth: bigint, wbtc: bigint, usdc: bigint): AavePosition => ({
      user: "0x00000000000000000000000000000000000000aa",
      configuration: (2n << 0n) | (2n << 6n) | (1n << 2n),
      eModeCategory: 0,
      scaledCollateral: new Map([
        [0, weth],
        [3, wbtc],
      ]),
      scaledVariableDebt: new Map([[1, usdc]]),
      stableDebt: new Map(),
    });
    const weth = 10n ** 19n;
    const value = (w: bigint, b: bigint) => accountData(reserves, position(w, b, 1n), now).totalCollateralBase;
    // The WBTC amount whose weighted threshold is furthest above a whole basis point.
    let wbtc = 0n;
    let worst = 0;
    for (let b = 30_000_000n; b < 31_000_000n; b += 997n) {
      const threshold =
        Number(value(weth, 0n) * 8_250n + value(0n, b) * 7_800n) / Number(value(weth, 0n) + value(0n, b));
      if (threshold - Math.floor(threshold) > worst) {
        worst = threshold - Math.floor(threshold);
        wbtc = b;
      }
    }
    const weighted = Number(value(weth, 0n) * 8_250n + value(0n, wbtc) * 7_800n) / 1e4;
    const index = Number(normalizedDebt(reserves.get(1) as NonNullable<ReturnType<typeof reserves.get>>, now)) / 1e27;
    // Debt for a float health factor of 1.00002.
    const usdc = BigInt(Math.floor(((weighted / 1.00002 / 1e8) * 1e6) / index));
    const p = position(weth, wbtc, usdc);
    expect(accountData(reserves, p, now).healthFactor < WAD).to.equal(true);
    const book = new PositionBook(new Map(reserves));
    book.set(p);
    expect(book.liquidatable(now).map((f) => f.user)).to.deep.equal([p.user]);
  });

  it("reports a position again after it changed and fell under one once more, and refuses a reserve it was not built with", () => {
    const now = 1_800_000_000n;
    const reserves = syntheticReserves(now);
    const under = syntheticPositions(2_000, reserves).find((p) => accountData(reserves, p, now).healthFactor < WAD);
    if (under === undefined) throw new Error("no position under one");
    const book = new PositionBook(new Map(reserves));
    book.set(under);
    expect(book.newlyLiquidatable(now).map((f) => f.user)).to.deep.equal([under.user]);
    // Half the debt repaid (healthy), then back to what it was (a new borrow): news again.
    const debtId = [...under.scaledVariableDebt.keys()][0] as number;
    const half = new Map([[debtId, (under.scaledVariableDebt.get(debtId) as bigint) / 2n]]);
    book.set({ ...under, scaledVariableDebt: half });
    book.set(under);
    expect(book.newlyLiquidatable(now).map((f) => f.user)).to.deep.equal([under.user]);
    const weth = reserves.get(0) as NonNullable<ReturnType<typeof reserves.get>>;
    expect(() => book.updateReserve({ ...weth, id: 9 })).to.throw(/listed after the position book was built/);
  });

  it("replaces a position when it changes, and values stable-rate debt exactly", () => {
    const now = 1_800_000_000n;
    const reserves = syntheticReserves(now);
    const [p] = syntheticPositions(1, reserves, 11);
    if (p === undefined) throw new Error("no position");
    const book = new PositionBook(new Map(reserves));
    book.set(p);
    const debtId = [...p.scaledVariableDebt.keys()][0] as number;
    // Repaid to nothing: no longer liquidatable whatever the prices.
    book.set({ ...p, configuration: p.configuration & ~(1n << BigInt(2 * debtId)), scaledVariableDebt: new Map() });
    expect(book.size).to.equal(1);
    expect(book.liquidatable(now)).to.deep.equal([]);
    // A large stable-rate debt: found, though the floats never see it.
    const stable = new Map([[debtId, { principal: 10n ** 40n, rate: 10n ** 26n, lastUpdated: now - 100n }]]);
    book.set({ ...p, scaledVariableDebt: new Map(), stableDebt: stable });
    const found = book.liquidatable(now);
    expect(found.map((f) => f.user)).to.deep.equal([p.user]);
  });

  it("prices no liquidation the Pool would refuse: a paused or inactive reserve, a collateral that cannot be liquidated, nothing to repay", () => {
    const now = 1_800_000_000n;
    const reserves = syntheticReserves(now);
    const under = syntheticPositions(2_000, reserves).find((p) => accountData(reserves, p, now).healthFactor < WAD);
    if (under === undefined) throw new Error("no position under one");
    const debtId = [...under.scaledVariableDebt.keys()][0] as number;
    const collateralId = [...under.scaledCollateral.keys()][0] as number;
    const debt = reserves.get(debtId) as NonNullable<ReturnType<typeof reserves.get>>;
    const collateral = reserves.get(collateralId) as NonNullable<ReturnType<typeof reserves.get>>;
    const active = 1n << 56n;
    const live = (r: typeof debt) => ({ ...r, configuration: r.configuration | active });
    const liveReserves = new Map([...reserves].map(([id, r]) => [id, live(r)]));
    const price = (d: typeof debt, c: typeof debt, cover = 10n ** 40n) =>
      liquidationAmounts(liveReserves, under, d, c, cover, now);
    expect(price(live(debt), live(collateral))?.debtRepaid ?? 0n).to.be.greaterThan(0n);
    expect(price(debt, live(collateral)), "inactive debt reserve").to.equal(undefined);
    expect(
      price(live(debt), { ...live(collateral), configuration: live(collateral).configuration | (1n << 60n) }),
    ).to.equal(undefined);
    const noThreshold = { ...live(collateral), configuration: live(collateral).configuration & ~(0xffffn << 16n) };
    expect(price(live(debt), noThreshold), "threshold zero").to.equal(undefined);
    expect(price(live(debt), live(collateral), 0n), "nothing to cover").to.equal(undefined);
  });
});
