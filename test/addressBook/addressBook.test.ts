import { expect } from "chai";
import { type AddressBook, bookAddresses, validateAddressBook } from "../../src/addressBook.js";
import { mainnet } from "../../src/addressBooks/mainnet.js";

describe("address books", () => {
  it("the mainnet book is well-formed and checksummed", () => {
    expect(() => validateAddressBook(mainnet)).not.to.throw();
    // tokens (5) + multicall3 + aave (2) + balancer + morpho + uniswapV4 (3) + uniswapV2 (2) + sushiswap (2)
    // + uniswapV3 (4) + curve
    expect(bookAddresses(mainnet)).to.have.length(22);
  });

  it("names every field that is not checksummed or not an address", () => {
    const bad: AddressBook = {
      ...mainnet,
      tokens: { ...mainnet.tokens, WETH: "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2", USDC: "0x1234" },
      balancerV2: { vault: "0xBA12222222228d8Ba445958a75a0704d566BF2C9" },
    };
    expect(() => validateAddressBook(bad))
      .to.throw(/tokens\.WETH: 0xc02a.* should be checksummed as 0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2/)
      .and.to.match(/tokens\.USDC: 0x1234 is not an address/);
    expect(() => validateAddressBook(bad)).to.throw(/balancerV2\.vault/);
  });

  it("refuses an init code hash that is not 32 bytes, a pool ID that is not 32 bytes and a non-positive chain ID", () => {
    const bad: AddressBook = {
      ...mainnet,
      chainId: 0,
      uniswapV2: { ...mainnet.uniswapV2, initCodeHash: "0x96e8" },
      balancerV2: {
        vault: mainnet.balancerV2?.vault as `0x${string}`,
        weightedPools: [`0x${"ab".repeat(32)}`, "0x1234"],
      },
    };
    expect(() => validateAddressBook(bad)).to.throw(/balancerV2\.weightedPools: 0x1234 is not a 32-byte pool ID/);
    expect(() => validateAddressBook(bad)).not.to.throw(/abababab/);
    expect(() => validateAddressBook(bad)).to.throw(/initCodeHash 0x96e8 is not 32 bytes/);
    expect(() => validateAddressBook(bad)).to.throw(/chainId 0 is not valid/);
  });
});
