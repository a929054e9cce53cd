// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FlashArbExecutor} from "../../../contracts/FlashArbExecutor.sol";
import {IFlashArbExecutor} from "../../../contracts/interfaces/IFlashArbExecutor.sol";
import {MintableERC20} from "../../../contracts/test/tokens/MintableERC20.sol";
import {Test} from "../utils/Test.sol";

interface IUniswapV2FactoryLike {
    function createPair(address tokenA, address tokenB) external returns (address pair);
}

interface IUniswapV2PairLike {
    function mint(address to) external returns (uint256 liquidity);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
    function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);
    function token0() external view returns (address);
}

/// @dev The part of WETH9 the bid tests use.
interface IWETH9Like {
    function deposit() external payable;
    function withdraw(uint256 amount) external;
    function transfer(address to, uint256 amount) external returns (bool);
    function balanceOf(address account) external view returns (uint256);
}

/// @notice A small market for executor tests, deployed from the protocols' own npm bytecode:
///         two Uniswap V2 factories (as Uniswap and Sushiswap) each with a WETH/USDC pair at
///         $3,000, and Balancer V2's Vault holding WETH to lend. The executor trusts both
///         factories and the Vault; Aave and Uniswap V3 are left unconfigured. `weth` is a
///         mintable stand-in; `_deployWeth9Market` adds the same market around a real WETH9
///         for trades that unwrap their profit.
abstract contract ExecutorTestBase is Test {
    string internal constant V2_FACTORY = "node_modules/@uniswap/v2-core/build/UniswapV2Factory.json";
    string internal constant V2_PAIR = "node_modules/@uniswap/v2-core/build/UniswapV2Pair.json";
    string internal constant BAL_AUTHORIZER =
        "node_modules/@balancer-labs/v2-deployments/dist/tasks/20210418-authorizer/artifact/Authorizer.json";
    string internal constant BAL_VAULT =
        "node_modules/@balancer-labs/v2-deployments/dist/tasks/20210418-vault/artifact/Vault.json";
    string internal constant WETH9 = "node_modules/@uniswap/v2-periphery/build/WETH9.json";

    /// @dev Loan sizes are bounded well inside the Vault's and the pairs' liquidity.
    uint256 internal constant VAULT_WETH = 10_000e18;
    uint256 internal constant PAIR_WETH = 1_000e18;
    uint256 internal constant PAIR_USDC = 3_000_000e6;

    address internal constant OWNER = address(0x0A11CE);
    address internal constant OPERATOR = address(0x0B0B);
    address internal constant STRANGER = address(0x5757);

    MintableERC20 internal weth;
    MintableERC20 internal usdc;
    address internal uniFactory;
    address internal sushiFactory;
    bytes32 internal pairInitCodeHash;
    address internal uniPair;
    address internal sushiPair;
    address internal vault;
    FlashArbExecutor internal executor;
    /// @dev Set by `_deployWeth9Market`: a real WETH9 and its USDC pairs on both factories.
    IWETH9Like internal weth9;
    address internal uniPair9;
    address internal sushiPair9;

    function setUp() public virtual {
        weth = new MintableERC20("Wrapped Ether", "WETH", 18);
        usdc = new MintableERC20("USD Coin", "USDC", 6);
        bytes memory factoryCode = _waffleBytecode(V2_FACTORY);
        uniFactory = _deploy(factoryCode, abi.encode(address(this)));
        sushiFactory = _deploy(factoryCode, abi.encode(address(this)));
        pairInitCodeHash = keccak256(_waffleBytecode(V2_PAIR));
        uniPair = _seedPair(uniFactory);
        sushiPair = _seedPair(sushiFactory);

        address authorizer =
            _deploy(vm.parseJsonBytes(vm.readFile(BAL_AUTHORIZER), ".bytecode"), abi.encode(address(this)));
        vault = _deploy(
            vm.parseJsonBytes(vm.readFile(BAL_VAULT), ".bytecode"), abi.encode(authorizer, address(weth), 0, 0)
        );
        // Balancer lends what its balance holds, so a plain transfer funds flash loans.
        weth.mint(vault, VAULT_WETH);

        FlashArbExecutor.V2Dex[] memory dexes = new FlashArbExecutor.V2Dex[](2);
        dexes[0] = FlashArbExecutor.V2Dex(uniFactory, pairInitCodeHash);
        dexes[1] = FlashArbExecutor.V2Dex(sushiFactory, pairInitCodeHash);
        executor = new FlashArbExecutor(_vaultOnly(dexes, _one(OPERATOR), address(0), new address[](0)));
        vm.label(address(executor), "executor");
        vm.label(vault, "BalancerVault");
    }

    // ------------------------------------------------------------------ market

    /// @dev Sells `wethIn` on the Uniswap pair, making WETH cheaper there than on Sushiswap.
    function _dislocate(uint256 wethIn) internal {
        uint256 out = _quote(uniPair, address(weth), wethIn);
        // A sale too small to buy one unit of USDC moves nothing (and the pair would refuse it).
        if (out == 0) return;
        weth.mint(uniPair, wethIn);
        (uint256 out0, uint256 out1) = address(weth) < address(usdc) ? (uint256(0), out) : (out, uint256(0));
        IUniswapV2PairLike(uniPair).swap(out0, out1, address(0xdead), "");
    }

    /// @dev UniswapV2Library.getAmountOut with the 0.3% fee, from the pair's current reserves.
    function _quote(address pair, address tokenIn, uint256 amountIn) internal view returns (uint256) {
        (uint256 r0, uint256 r1,) = IUniswapV2PairLike(pair).getReserves();
        (uint256 rIn, uint256 rOut) = tokenIn == IUniswapV2PairLike(pair).token0() ? (r0, r1) : (r1, r0);
        uint256 amountInWithFee = amountIn * 997;
        return (amountInWithFee * rOut) / (rIn * 1000 + amountInWithFee);
    }

    /// @dev The profit the cross-DEX route makes on `amount`, by Uniswap's own formula; zero
    ///      and false when it cannot repay.
    function _expectedProfit(uint256 amount) internal view returns (bool repays, uint256 profit) {
        uint256 usdcOut = _quote(sushiPair, address(weth), amount);
        uint256 wethBack = _quote(uniPair, address(usdc), usdcOut);
        if (wethBack < amount) return (false, 0);
        return (true, wethBack - amount);
    }

    // ------------------------------------------------------------------ the WETH9 market

    /// @dev Deploys WETH9 from its npm bytecode, a WETH9/USDC pair on each factory at $3,000, and
    ///      wraps WETH9 for the Vault to lend. The executor trusts all of it already.
    function _deployWeth9Market() internal {
        weth9 = IWETH9Like(_deploy(_waffleBytecode(WETH9), ""));
        vm.label(address(weth9), "WETH9");
        uniPair9 = _seedWeth9Pair(uniFactory);
        sushiPair9 = _seedWeth9Pair(sushiFactory);
        _wrap(vault, VAULT_WETH);
    }

    /// @dev Sends `amount` of WETH9 to `to`, wrapped from ETH dealt to this contract.
    function _wrap(address to, uint256 amount) internal {
        vm.deal(address(this), amount);
        weth9.deposit{value: amount}();
        weth9.transfer(to, amount);
    }

    /// @dev `_dislocate` on the WETH9 market: sells `wethIn` on the Uniswap pair.
    function _dislocate9(uint256 wethIn) internal {
        uint256 out = _quote(uniPair9, address(weth9), wethIn);
        if (out == 0) return;
        _wrap(uniPair9, wethIn);
        (uint256 out0, uint256 out1) = address(weth9) < address(usdc) ? (uint256(0), out) : (out, uint256(0));
        IUniswapV2PairLike(uniPair9).swap(out0, out1, address(0xdead), "");
    }

    /// @dev `_expectedProfit` on the WETH9 market.
    function _expectedProfit9(uint256 amount) internal view returns (bool repays, uint256 profit) {
        uint256 wethBack = _quote(uniPair9, address(usdc), _quote(sushiPair9, address(weth9), amount));
        if (wethBack < amount) return (false, 0);
        return (true, wethBack - amount);
    }

    /// @dev WETH9 → USDC on Sushiswap, USDC → WETH9 on Uniswap.
    function _crossDexRoute9() internal view returns (bytes memory) {
        return abi.encodePacked(_v2Hop(1, address(usdc), 3000, 0), _v2Hop(0, address(weth9), 3000, 0));
    }

    /// @dev A Balancer loan of WETH9.
    function _balancerLoan9(uint256 amount) internal view returns (IFlashArbExecutor.Loan memory loan) {
        loan = _balancerLoan(amount);
        loan.token = address(weth9);
    }

    function _seedWeth9Pair(address factory) private returns (address pair) {
        pair = IUniswapV2FactoryLike(factory).createPair(address(weth9), address(usdc));
        _wrap(pair, PAIR_WETH);
        usdc.mint(pair, PAIR_USDC);
        IUniswapV2PairLike(pair).mint(address(this));
    }

    // ------------------------------------------------------------------ routes

    /// @dev WETH → USDC on Sushiswap (index 1), USDC → WETH on Uniswap (index 0).
    function _crossDexRoute() internal view returns (bytes memory) {
        return abi.encodePacked(_v2Hop(1, address(usdc), 3000, 0), _v2Hop(0, address(weth), 3000, 0));
    }

    function _v2Hop(uint8 factoryIndex, address tokenOut, uint24 fee, uint128 minOut)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodePacked(uint8(IFlashArbExecutor.HopKind.UniswapV2), factoryIndex, tokenOut, fee, minOut);
    }

    function _balancerLoan(uint256 amount) internal view returns (IFlashArbExecutor.Loan memory) {
        return IFlashArbExecutor.Loan({
            lender: IFlashArbExecutor.Lender.BalancerV2,
            token: address(weth),
            amount: amount,
            pairToken: address(0),
            poolFee: 0
        });
    }

    // ------------------------------------------------------------------ deployment helpers

    function _one(address account) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = account;
    }

    function _seedPair(address factory) private returns (address pair) {
        pair = IUniswapV2FactoryLike(factory).createPair(address(weth), address(usdc));
        weth.mint(pair, PAIR_WETH);
        usdc.mint(pair, PAIR_USDC);
        IUniswapV2PairLike(pair).mint(address(this));
    }

    /// @dev Uniswap's waffle build files hold the bytecode as hex without 0x.
    function _waffleBytecode(string memory path) internal view returns (bytes memory) {
        return vm.parseBytes(string.concat("0x", vm.parseJsonString(vm.readFile(path), ".bytecode")));
    }

    function _deploy(bytes memory code, bytes memory args) internal returns (address deployed) {
        bytes memory init = abi.encodePacked(code, args);
        // Deploying bytecode read from a file needs CREATE on raw init code.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            deployed := create(0, add(init, 32), mload(init))
        }
        require(deployed != address(0), "deployment failed");
    }

    /// @dev A deployment trusting the Balancer Vault and the given V2 DEXes only, owned by OWNER.
    function _vaultOnly(
        FlashArbExecutor.V2Dex[] memory dexes,
        address[] memory operators,
        address receiver,
        address[] memory curvePools
    ) internal view returns (FlashArbExecutor.Deployment memory) {
        return FlashArbExecutor.Deployment({
            owner: OWNER,
            aavePool: address(0),
            balancerVault: vault,
            morpho: address(0),
            poolManager: address(0),
            uniswapV3Factory: address(0),
            uniswapV3InitCodeHash: bytes32(0),
            v2Dexes: dexes,
            operators: operators,
            profitReceiver: receiver,
            curvePools: curvePools
        });
    }
}
