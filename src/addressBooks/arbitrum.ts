import type { AddressBook } from "../addressBook.js";

/** Arbitrum One. USDC is Circle's native USDC. */
export const arbitrum: AddressBook = {
  name: "arbitrum",
  chainId: 42161,
  tokens: {
    WETH: "0x82aF49447D8a07e3bd95BD0d56f35241523fBab1",
    USDC: "0xaf88d065e77c8cC2239327C5EDb3A432268e5831",
    USDT: "0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9",
    DAI: "0xDA10009cBd5D07dd0CeCc66161FC93D7c9000da1",
    WBTC: "0x2f2a2543B76A4166549F7aaB2e75Bef0aefC5B0f",
  },
  multicall3: "0xcA11bde05977b3631167028862bE2a173976CA11",
  // A sequencer orders transactions first come, first served: no builders to bid to.
  submission: "direct",
  aaveV3: {
    poolAddressesProvider: "0xa97684ead0e402dC232d5A977953DF7ECBaB3CDb",
    pool: "0x794a61358D6845594F94dc1DB02A252b5b4814aD",
  },
  balancerV2: {
    vault: "0xBA12222222228d8Ba445958a75a0704d566BF2C8",
  },
  uniswapV2: {
    factory: "0xf1D7CC64Fb4452F05c498126312eBE29f30Fbcf9",
    router: "0x4752ba5DBc23f44D87826276BF6Fd6b1C372aD24",
    initCodeHash: "0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f",
    feeBps: 30,
  },
  sushiswap: {
    factory: "0xc35DADB65012eC5796536bD9864eD8773aBc74C4",
    router: "0x1b02dA8Cb0d097eB8D57A175b88c7D8b47997506",
    initCodeHash: "0xe18a34eb0e04b04f7a0ac29a6e80748dca96319b42c54d679cb821dca90c6303",
    feeBps: 30,
  },
  uniswapV3: {
    factory: "0x1F98431c8aD98523631AE4a59f267346ea31F984",
    swapRouter: "0xE592427A0AEce92De3Edee1F18E0157C05861564",
    quoterV2: "0x61fFE014bA17989E743c5F6cB21bF9697530B21e",
    positionManager: "0xC36442b4a4522E871399CD717aBDD847Ab11FE88",
    initCodeHash: "0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54",
  },
};
