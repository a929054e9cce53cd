import { expect } from "chai";
import type { AddressBook } from "../../../src/addressBook.js";
import { mainnet } from "../../../src/addressBooks/mainnet.js";
import { cheapestTradeGas, GAS_BASE, GAS_PER_HOP } from "../../../src/engine/strategy/pricing.js";

describe("the cheapest trade a chain allows", () => {
  it("counts only the lenders the address book has", () => {
    expect(cheapestTradeGas(mainnet)).to.equal((GAS_BASE.MorphoBlue as bigint) + 2n * GAS_PER_HOP);
    const { morphoBlue: _morpho, ...withoutMorpho } = mainnet;
    expect(cheapestTradeGas(withoutMorpho as AddressBook)).to.equal((GAS_BASE.BalancerV2 as bigint) + 2n * GAS_PER_HOP);
    const { balancerV2: _vault, ...aaveAndUniswap } = withoutMorpho;
    expect(cheapestTradeGas(aaveAndUniswap as AddressBook)).to.equal((GAS_BASE.UniswapV3 as bigint) + 2n * GAS_PER_HOP);
  });
});
