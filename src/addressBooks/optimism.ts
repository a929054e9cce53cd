import type { AddressBook } from "../addressBook.js";

/** OP Mainnet. USDC is Circle's native USDC. */
export const optimism: AddressBook = {
  name: "optimism",
  chainId: 10,
  tokens: {
    WETH: "0x4200000000000000000000000000000000000006",
    USDC: "0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85",
    USDT: "0x94b008aA00579c1307B0EF2c499aD98a8ce58e58",
    DAI: "0xDA10009cBd5D07dd0CeCc66161FC93D7c9000da1",
    WBTC: "0x68f180fcCe6836688e9084f035309E29Bf0A2095",
  },
  multicall3: "0xcA11bde05977b3631167028862bE2a173976CA11",
  // A sequencer orders transactions by fee: no builders take bundles.
  submission: "direct",
  aaveV3: {
    poolAddressesProvider: "0xa97684ead0e402dC232d5A977953DF7ECBaB3CDb",
    pool: "0x794a61358D6845594F94dc1DB02A252b5b4814aD",
  },
  balancerV2: {
    vault: "0xBA12222222228d8Ba445958a75a0704d566BF2C8",
  },
  uniswapV2: {
    factory: "0x0c3c1c532F1e39EdF36BE9Fe0bE1410313E074Bf",
    router: "0x4A7b5Da61326A6379179b40d00F57E5bbDC962c2",
    initCodeHash: "0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f",
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
