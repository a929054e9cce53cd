import { expect } from "chai";
import { AbiCoder, getCreate2Address, keccak256, solidityPacked } from "ethers";
import { network } from "hardhat";
import { validateAddressBook } from "../../src/addressBook.js";
import { mainnet } from "../../src/addressBooks/mainnet.js";
import { deployReplica } from "../../src/replica/replica.js";
import { TOKEN_DECIMALS } from "../../src/replica/tokens.js";
import { ethers, loadReplica } from "../fixtures/replica.js";

describe("replica", () => {
  it("deploys the same addresses on every fresh chain", async () => {
    const first = await loadReplica();
    const other = await network.create();
    const [deployer] = await other.ethers.getSigners();
    if (deployer === undefined) throw new Error("no deployer");
    const second = await deployReplica(deployer);
    expect(second.book).to.deep.equal(first.book);
    expect(second.pools).to.deep.equal(first.pools);
    await other.close();
  });

  it("writes a valid address book", async () => {
    const replica = await loadReplica();
    expect(() => validateAddressBook(replica.book)).not.to.throw();
    expect(replica.book.chainId).to.equal(31337);
    expect(replica.book.curve).to.equal(undefined);
  });

  it("uses Uniswap V2 and V3 bytecode whose init code hashes equal mainnet's", async () => {
    const replica = await loadReplica();
    expect(replica.book.uniswapV2.initCodeHash).to.equal(mainnet.uniswapV2.initCodeHash);
    expect(replica.book.sushiswap.initCodeHash).to.equal(mainnet.uniswapV2.initCodeHash);
    expect(replica.book.uniswapV3.initCodeHash).to.equal(mainnet.uniswapV3.initCodeHash);
  });

  it("puts every V2 pair and V3 pool at the CREATE2 address the init code hash predicts", async () => {
    const replica = await loadReplica();
    for (const pool of replica.pools) {
      const a0 = replica.tokenAddresses[pool.dex === "balancerV2" ? "WETH" : pool.token0];
      const a1 = replica.tokenAddresses[pool.dex === "balancerV2" ? "WETH" : pool.token1];
      if (pool.dex === "uniswapV2" || pool.dex === "sushiswap") {
        const salt = keccak256(solidityPacked(["address", "address"], [a0, a1]));
        expect(getCreate2Address(replica.book[pool.dex].factory, salt, replica.book.uniswapV2.initCodeHash)).to.equal(
          pool.address,
        );
      } else if (pool.dex === "uniswapV3") {
        const salt = keccak256(AbiCoder.defaultAbiCoder().encode(["address", "address", "uint24"], [a0, a1, pool.fee]));
        expect(getCreate2Address(replica.book.uniswapV3.factory, salt, replica.book.uniswapV3.initCodeHash)).to.equal(
          pool.address,
        );
      }
    }
  });

  it("has code at every address of its book", async () => {
    const replica = await loadReplica();
    const addresses = [
      ...Object.values(replica.book.tokens),
      replica.book.multicall3,
      replica.book.aaveV3.pool,
      replica.book.aaveV3.poolAddressesProvider,
      replica.book.balancerV2.vault,
      replica.book.uniswapV2.factory,
      replica.book.uniswapV2.router,
      replica.book.sushiswap.factory,
      replica.book.sushiswap.router,
      replica.book.uniswapV3.factory,
      replica.book.uniswapV3.swapRouter,
      replica.book.uniswapV3.quoterV2,
      replica.book.uniswapV3.positionManager,
    ];
    for (const address of addresses) {
      expect(await ethers.provider.getCode(address), address).to.not.equal("0x");
    }
  });

  it("gives the stand-in tokens their mainnet decimals", async () => {
    const replica = await loadReplica();
    for (const symbol of ["WETH", "USDC", "USDT", "DAI", "WBTC"] as const) {
      expect(await replica.tokens[symbol].getFunction("decimals")()).to.equal(BigInt(TOKEN_DECIMALS[symbol]));
    }
  });
});
