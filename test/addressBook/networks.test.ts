import { expect } from "chai";
import { BOOK_TOKENS, bookAddresses, v2DexesOf, validateAddressBook } from "../../src/addressBook.js";
import { bookForChainId, LIVE_BOOKS } from "../../src/addressBooks/networks.js";
import { executorDeployment } from "../../src/executor/deploy.js";

const EXPECTED_CHAIN_IDS: Record<string, number> = {
  mainnet: 1,
  sepolia: 11155111,
  polygon: 137,
  arbitrum: 42161,
  optimism: 10,
  base: 8453,
};

describe("live network address books", () => {
  it("cover every network the toolkit deploys to, with the right chain IDs", () => {
    expect(Object.keys(LIVE_BOOKS).sort()).to.deep.equal(Object.keys(EXPECTED_CHAIN_IDS).sort());
    for (const [name, book] of Object.entries(LIVE_BOOKS)) {
      expect(book.name, name).to.equal(name);
      expect(book.chainId, name).to.equal(EXPECTED_CHAIN_IDS[name]);
      expect(bookForChainId(book.chainId)).to.equal(book);
    }
  });

  for (const [name, book] of Object.entries(LIVE_BOOKS)) {
    it(`${name}: every address is well-formed and checksummed, and the book has what the engine and the deployment need`, () => {
      expect(() => validateAddressBook(book)).not.to.throw();
      // The engine needs WETH, USDC, Multicall3, Uniswap V3 and at least one V2-style DEX.
      expect(book.tokens.WETH).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(book.tokens.USDC).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(v2DexesOf(book).length, "V2-style DEXes").to.be.greaterThan(0);
      for (const symbol of Object.keys(book.tokens)) expect(BOOK_TOKENS as readonly string[]).to.include(symbol);
      // The deployment needs a lender and a V3 factory; it is built from the book alone.
      const deployment = executorDeployment(book, { owner: "0x000000000000000000000000000000000000dEaD" });
      expect(deployment.uniswapV3Factory).to.equal(book.uniswapV3.factory);
      expect(deployment.v2Dexes.length).to.be.at.most(4);
      expect(bookAddresses(book).length).to.be.greaterThan(8);
    });
  }

  it("names QuickSwap only on Polygon, and Uniswap V3's SwapRouter only where it exists", () => {
    for (const [name, book] of Object.entries(LIVE_BOOKS)) {
      expect(book.quickswap !== undefined, name).to.equal(name === "polygon");
    }
    expect(LIVE_BOOKS.base?.uniswapV3.swapRouter).to.equal(undefined);
  });
});
