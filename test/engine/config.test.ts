import { expect } from "chai";
import { arbitrum } from "../../src/addressBooks/arbitrum.js";
import { mainnet } from "../../src/addressBooks/mainnet.js";
import { chainIdOf, connectRpc, liveBook, NetworkError } from "../../src/engine/collect/network.js";
import { ConfigError, loadEngineConfig, parseEngineConfig } from "../../src/engine/config.js";
import { lendersNotInBook } from "../../src/engine/strategy/lists.js";
import { ethers } from "../fixtures/replica.js";

describe("engine bad input gets a clear error", () => {
  it("a configuration with defaults only is valid and dry-run", () => {
    const config = parseEngineConfig({});
    expect(config.live).to.equal(false);
    expect(config.rpcUrl).to.equal("http://127.0.0.1:8545");
  });

  it("an unknown configuration key is refused by name", () => {
    expect(() => parseEngineConfig({ minProfitUSD: 3 })).to.throw(ConfigError, /unknown key\(s\) minProfitUSD/);
  });

  it("a value of the wrong type or range is refused with its key", () => {
    expect(() => parseEngineConfig({ maxGasPriceGwei: "lots", minProfitUsd: -1 }))
      .to.throw(ConfigError, /maxGasPriceGwei: Invalid input: expected number, received string/)
      .and.to.match(/minProfitUsd: Too small: expected number to be >=0/);
    expect(() => parseEngineConfig({ rpcUrl: "not a url" })).to.throw(ConfigError, /rpcUrl: Invalid URL/);
  });

  it("a lender list with an unknown lender or no lender at all is refused, naming the known ones", () => {
    expect(() => parseEngineConfig({ lenders: ["MorphoBlue", "Compound"] })).to.throw(
      ConfigError,
      /lenders\.1: Invalid option: expected one of "UniswapV4"\|"MorphoBlue"\|"BalancerV2"\|"UniswapV3"\|"AaveV3"/,
    );
    expect(() => parseEngineConfig({ lenders: [] })).to.throw(ConfigError, /an empty list would borrow from no one/);
    expect(parseEngineConfig({ lenders: ["MorphoBlue"] }).lenders).to.deep.equal(["MorphoBlue"]);
  });

  it("a lender named twice, or one the chain's address book lacks, is refused", () => {
    expect(() => parseEngineConfig({ lenders: ["MorphoBlue", "MorphoBlue"] })).to.throw(
      ConfigError,
      /lenders: names a lender twice/,
    );
    const lenders = parseEngineConfig({ lenders: ["UniswapV4", "MorphoBlue", "UniswapV3", "AaveV3"] });
    expect(lendersNotInBook(lenders, mainnet)).to.deep.equal([]);
    // Arbitrum's book has neither the V4 PoolManager nor Morpho Blue.
    expect(lendersNotInBook(lenders, arbitrum)).to.deep.equal(["UniswapV4", "MorphoBlue"]);
  });

  it("a pool list takes addresses and Uniswap V4 PoolIds, and refuses anything else", () => {
    const poolId = `0x${"ab".repeat(32)}`;
    const address = `0x${"cd".repeat(20)}`;
    expect(parseEngineConfig({ poolDenylist: [address, poolId] }).poolDenylist).to.deep.equal([address, poolId]);
    expect(() => parseEngineConfig({ poolAllowlist: [`0x${"ab".repeat(31)}`] })).to.throw(
      ConfigError,
      /poolAllowlist\.0: must be a pool's 0x-prefixed 20-byte address or a Uniswap V4 pool's 32-byte PoolId/,
    );
  });

  it("a configuration file that is missing or not JSON is refused", () => {
    expect(() => loadEngineConfig("/nonexistent/engine.json", {})).to.throw(
      ConfigError,
      "Cannot read the configuration file",
    );
  });

  it("an unreachable RPC is refused with what to check", async () => {
    // Port 9 (discard) on loopback: nothing answers JSON-RPC there.
    await expect(connectRpc("http://127.0.0.1:9", 31337, 2_000)).to.be.rejectedWith(
      NetworkError,
      "Cannot reach the RPC at http://127.0.0.1:9.",
    );
  });

  it("reads the chain ID an RPC answers with, and knows the chain names", async () => {
    expect(await chainIdOf(ethers.provider, "in-process", 2_000)).to.equal(31337);
    expect(() => liveBook("moon")).to.throw(NetworkError, 'Unknown chain "moon".');
    expect(liveBook("base").chainId).to.equal(8453);
  });
});
