import type { AddressBook } from "../addressBook.js";

/** Ethereum Sepolia testnet. Tokens are the testnet deployments of WETH and Circle's USDC. */
export const sepolia: AddressBook = {
  name: "sepolia",
  chainId: 11155111,
  tokens: {
    WETH: "0xfFf9976782d46CC05630D1f6eBAb18b2324d6B14",
    USDC: "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238",
  },
  multicall3: "0xcA11bde05977b3631167028862bE2a173976CA11",
  submission: "builders",
  relays: [{ name: "flashbots", url: "https://relay-sepolia.flashbots.net" }],
  aaveV3: {
    poolAddressesProvider: "0x012bAC54348C0E635dCAc9D5FB99f06F24136C9A",
    pool: "0x6Ae43d3271ff6888e7Fc43Fd7321a503ff738951",
  },
  balancerV2: {
    vault: "0xBA12222222228d8Ba445958a75a0704d566BF2C8",
  },
  uniswapV2: {
    factory: "0xF62c03E08ada871A0bEb309762E260a7a6a880E6",
    router: "0xeE567Fe1712Faf6149d80dA1E6934E354124CfE3",
    initCodeHash: "0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f",
    feeBps: 30,
  },
  uniswapV3: {
    factory: "0x0227628f3F023bb0B980b67D528571c95c6DaC1c",
    quoterV2: "0xEd1f6473345F45b75F8179591dd5bA1888cf2FB3",
    positionManager: "0x1238536071E1c677A632429e3655c799b22cDA52",
    initCodeHash: "0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54",
  },
};
