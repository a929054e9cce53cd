import { expect } from "chai";
import type { AddressBook } from "../../../src/addressBook.js";
import { mainnet } from "../../../src/addressBooks/mainnet.js";
import { cheapestTradeGas, GAS_BASE, GAS_PER_HOP } from "../../../src/engine/strategy/pricing.js";

/** The least gas base among `lenders`. */
function least(...lenders: string[]): bigint {
  const bases = lenders.map((l) => GAS_BASE[l] as bigint).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return bases[0] as bigint;
}

describe("the cheapest trade a chain allows", () => {
  it("counts only the lenders the address book has", () => {
    expect(cheapestTradeGas(mainnet)).to.equal(least("MorphoBlue", "UniswapV4", "BalancerV2") + 2n * GAS_PER_HOP);
    const { morphoBlue: _morpho, ...withoutMorpho } = mainnet;
    expect(cheapestTradeGas(withoutMorpho as AddressBook)).to.equal(
      least("UniswapV4", "BalancerV2") + 2n * GAS_PER_HOP,
    );
    const { uniswapV4: _v4, ...withoutV4 } = withoutMorpho;
    expect(cheapestTradeGas(withoutV4 as AddressBook)).to.equal((GAS_BASE.BalancerV2 as bigint) + 2n * GAS_PER_HOP);
    const { balancerV2: _vault, ...aaveAndUniswap } = withoutV4;
    expect(cheapestTradeGas(aaveAndUniswap as AddressBook)).to.equal((GAS_BASE.UniswapV3 as bigint) + 2n * GAS_PER_HOP);
    const { morphoBlue: _m, balancerV2: _b, ...onlyV4Free } = mainnet;
    expect(cheapestTradeGas(onlyV4Free as AddressBook)).to.equal(least("UniswapV4", "UniswapV3") + 2n * GAS_PER_HOP);
  });
});
