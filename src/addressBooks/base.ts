import type { AddressBook } from "../addressBook.js";

/** Base. USDC is Circle's native USDC; Uniswap V3 has only SwapRouter02 here, so no swapRouter. */
export const base: AddressBook = {
  name: "base",
  chainId: 8453,
  tokens: {
    WETH: "0x4200000000000000000000000000000000000006",
    USDC: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
    USDT: "0xfde4C96c8593536E31F229EA8f37b2ADa2699bb2",
    DAI: "0x50c5725949A6F0c72E6C4a641F24049A917DB0Cb",
  },
  multicall3: "0xcA11bde05977b3631167028862bE2a173976CA11",
  // A sequencer orders transactions by fee: no builders take bundles.
  submission: "direct",
  aaveV3: {
    poolAddressesProvider: "0xe20fCBdBfFC4Dd138cE8b2E6FBb6CB49777ad64D",
    pool: "0xA238Dd80C259a72e81d7e4664a9801593F98d1c5",
  },
  morphoBlue: { morpho: "0xBBBBBbbBBb9cC5e90e3b3Af64bdAF62C37EEFFCb" },
  uniswapV4: {
    poolManager: "0x498581fF718922c3f8e6A244956aF099B2652b2b",
    stateView: "0xA3c0c9b65baD0b08107Aa264b0f3dB444b867A71",
    quoter: "0x0d5e0F971ED27FBfF6c2837bf31316121532048D",
  },
  balancerV2: {
    vault: "0xBA12222222228d8Ba445958a75a0704d566BF2C8",
  },
  uniswapV2: {
    factory: "0x8909Dc15e40173Ff4699343b6eB8132c65e18eC6",
    router: "0x4752ba5DBc23f44D87826276BF6Fd6b1C372aD24",
    initCodeHash: "0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f",
    feeBps: 30,
  },
  uniswapV3: {
    factory: "0x33128a8fC17869897dcE68Ed026d694621f6FDfD",
    quoterV2: "0x3d4e44Eb1374240CE5F1B871ab261CD16335B76a",
    positionManager: "0x03a520b32C04BF3bEEf7BEb72E919cf822Ed34f1",
    initCodeHash: "0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54",
  },
};
