import { expect } from "chai";
import { MaxUint256, parseUnits } from "ethers";
import { network } from "hardhat";
import { bookAddresses } from "../../src/addressBook.js";
import { mainnet } from "../../src/addressBooks/mainnet.js";

const url = process.env.MAINNET_RPC_URL;

const erc20 = [
  "function balanceOf(address) view returns (uint256)",
  "function approve(address,uint256) returns (bool)",
  "function deposit() payable",
];

describe("mainnet fork (needs MAINNET_RPC_URL)", function () {
  // Forking fetches state over the network; the first run of a block is slow.
  this.timeout(300_000);
  let connection: Awaited<ReturnType<typeof network.create>>;

  before(async function () {
    if (url === undefined || url === "") {
      console.log("    ⚠ SKIPPED: mainnet fork tests. Set MAINNET_RPC_URL to an archive Ethereum RPC URL to run them.");
      this.skip();
    }
    connection = await network.create("mainnetFork");
  });

  after(async () => {
    await connection?.close();
  });

  it("finds contract code at every address of the mainnet book that existed at the pinned block", async () => {
    // Uniswap V4 went live on mainnet in January 2025, after the pinned block (October 2024).
    const later = (path: string) => path.startsWith("uniswapV4.");
    for (const [path, address] of bookAddresses(mainnet)) {
      const code = await connection.ethers.provider.getCode(address);
      if (later(path)) expect(code, `${path} should not exist yet at the pinned block`).to.equal("0x");
      else expect(code, path).to.not.equal("0x");
    }
  });

  it("a Uniswap V2 swap pays what Router02.getAmountsOut quotes", async () => {
    const { ethers } = connection;
    const [trader] = await ethers.getSigners();
    if (trader === undefined) throw new Error("no signer");
    const me = await trader.getAddress();
    const amountIn = parseUnits("10", 18);
    const weth = new ethers.Contract(mainnet.tokens.WETH, erc20, trader);
    const usdc = new ethers.Contract(mainnet.tokens.USDC, erc20, trader);
    await (await weth.getFunction("deposit")({ value: amountIn })).wait();
    const router = new ethers.Contract(
      mainnet.uniswapV2.router,
      [
        "function getAmountsOut(uint256,address[]) view returns (uint256[])",
        "function swapExactTokensForTokens(uint256,uint256,address[],address,uint256) returns (uint256[])",
      ],
      trader,
    );
    const path = [mainnet.tokens.WETH, mainnet.tokens.USDC];
    const [, quoted] = (await router.getFunction("getAmountsOut")(amountIn, path)) as bigint[];
    await (await weth.getFunction("approve")(mainnet.uniswapV2.router, MaxUint256)).wait();
    const before = (await usdc.getFunction("balanceOf")(me)) as bigint;
    await (await router.getFunction("swapExactTokensForTokens")(amountIn, 0, path, me, MaxUint256)).wait();
    expect(((await usdc.getFunction("balanceOf")(me)) as bigint) - before).to.equal(quoted);
  });

  it("Aave V3's Pool charges its configured flash-loan premium", async () => {
    const { ethers } = connection;
    const pool = new ethers.Contract(
      mainnet.aaveV3.pool,
      ["function FLASHLOAN_PREMIUM_TOTAL() view returns (uint128)"],
      ethers.provider,
    );
    const premiumBps = (await pool.getFunction("FLASHLOAN_PREMIUM_TOTAL")()) as bigint;
    const probe = await ethers.deployContract("AaveFlashLoanProbe", [mainnet.aaveV3.pool]);
    const amount = parseUnits("100", 18);
    const premium = (amount * premiumBps + 5_000n) / 10_000n;
    const weth = new ethers.Contract(mainnet.tokens.WETH, [
      ...erc20,
      "function transfer(address,uint256) returns (bool)",
    ]);
    const [signer] = await ethers.getSigners();
    if (signer === undefined) throw new Error("no signer");
    await (await weth.connect(signer).getFunction("deposit")({ value: premium })).wait();
    await (await weth.connect(signer).getFunction("transfer")(await probe.getAddress(), premium)).wait();
    await (await probe.getFunction("borrow")(mainnet.tokens.WETH, amount)).wait();
    expect(await probe.getFunction("lastPremium")()).to.equal(premium);
  });
});
