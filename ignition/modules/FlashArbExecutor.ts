import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

const ZERO = "0x0000000000000000000000000000000000000000";

/**
 * Deploys the executor with everything it trusts and who runs it. Per-network values come
 * from `ignition/parameters/<network>.json` (the lenders and DEXes, generated from the address
 * books) plus the owner, operators and profit receiver, which `npx hardhat executor deploy`
 * adds from its options.
 */
export default buildModule("FlashArbExecutor", (m) => {
  const executor = m.contract("FlashArbExecutor", [
    {
      owner: m.getParameter<string>("owner"),
      aavePool: m.getParameter<string>("aavePool", ZERO),
      balancerVault: m.getParameter<string>("balancerVault", ZERO),
      morpho: m.getParameter<string>("morpho", ZERO),
      poolManager: m.getParameter<string>("poolManager", ZERO),
      uniswapV3Factory: m.getParameter<string>("uniswapV3Factory"),
      uniswapV3InitCodeHash: m.getParameter<string>("uniswapV3InitCodeHash"),
      v2Dexes: m.getParameter("v2Dexes", []),
      operators: m.getParameter("operators", []),
      profitReceiver: m.getParameter<string>("profitReceiver", ZERO),
      curvePools: m.getParameter("curvePools", []),
    },
  ]);
  return { executor };
});
