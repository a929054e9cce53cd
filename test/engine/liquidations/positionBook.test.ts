import { expect } from "chai";
import { accountData } from "../../../src/engine/liquidations/accountData.js";
import { PositionBook } from "../../../src/engine/liquidations/positionBook.js";
import { syntheticPositions, syntheticReserves } from "./support/syntheticMarket.js";

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
});
