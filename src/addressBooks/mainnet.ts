import type { CompleteAddressBook } from "../addressBook.js";

/** Canonical Ethereum mainnet addresses, used by fork mode and mainnet deployments. */
export const mainnet: CompleteAddressBook = {
  name: "mainnet",
  chainId: 1,
  tokens: {
    WETH: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
    USDC: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
    USDT: "0xdAC17F958D2ee523a2206206994597C13D831ec7",
    DAI: "0x6B175474E89094C44Da98b954EedeAC495271d0F",
    WBTC: "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599",
  },
  multicall3: "0xcA11bde05977b3631167028862bE2a173976CA11",
  submission: "builders",
  // Bundle endpoints documented by each builder; every bundle goes to all of them at once.
  relays: [
    { name: "flashbots", url: "https://relay.flashbots.net" },
    { name: "beaverbuild", url: "https://rpc.beaverbuild.org" },
    { name: "titan", url: "https://rpc.titanbuilder.xyz" },
  ],
  aaveV3: {
    poolAddressesProvider: "0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e",
    pool: "0x87870Bca3F3fD6335C3F4ce8392D69350B4fA4E2",
  },
  balancerV2: { vault: "0xBA12222222228d8Ba445958a75a0704d566BF2C8" },
  morphoBlue: { morpho: "0xBBBBBbbBBb9cC5e90e3b3Af64bdAF62C37EEFFCb" },
  uniswapV4: {
    poolManager: "0x000000000004444c5dc75cB358380D2e3dE08A90",
    stateView: "0x7fFE42C4a5DEeA5b0feC41C94C136Cf115597227",
    quoter: "0x52F0E24D1c21C8A0cB1e5a5dD6198556BD9E1203",
  },
  uniswapV2: {
    factory: "0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f",
    router: "0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D",
    initCodeHash: "0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f",
    feeBps: 30,
  },
  sushiswap: {
    factory: "0xC0AEe478e3658e2610c5F7A4A2E1777cE9e4f2Ac",
    router: "0xd9e1cE17f2641f24aE83637ab66a2cca9C378B9F",
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
  curve: { threePool: "0xbEbc44782C7dB0a1A60Cb6fe97d0b483032FF1C7" },
};
