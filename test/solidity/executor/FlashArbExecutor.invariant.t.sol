// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FlashArbExecutor} from "../../../contracts/FlashArbExecutor.sol";
import {IFlashArbExecutor} from "../../../contracts/interfaces/IFlashArbExecutor.sol";
import {CallbackAttacker} from "../../../contracts/test/attack/CallbackAttacker.sol";
import {ReentrantToken} from "../../../contracts/test/attack/ReentrantToken.sol";
import {IBalancerVault} from "../../../contracts/interfaces/external/IBalancerVault.sol";
import {MintableERC20} from "../../../contracts/test/tokens/MintableERC20.sol";
import {ExecutorTestBase, IUniswapV2FactoryLike, IUniswapV2PairLike} from "./ExecutorTestBase.sol";
import {Test} from "../utils/Test.sol";

/// @notice The PoolManager's pool creation, as this test uses it.
interface IPoolManagerLike {
    struct PoolKey {
        address currency0;
        address currency1;
        uint24 fee;
        int24 tickSpacing;
        address hooks;
    }

    function initialize(PoolKey memory key, uint160 sqrtPriceX96) external returns (int24 tick);
}

/// @notice v4-core's PoolModifyLiquidityTest, as this test uses it.
interface ILiquidityRouterLike {
    struct ModifyLiquidityParams {
        int24 tickLower;
        int24 tickUpper;
        int256 liquidityDelta;
        bytes32 salt;
    }

    function modifyLiquidity(
        IPoolManagerLike.PoolKey memory key,
        ModifyLiquidityParams memory params,
        bytes memory hookData
    ) external payable returns (int256 delta);
}

/// @notice Drives the executor with an operator's trades (borrowing from Balancer, Morpho Blue or
///         the Uniswap V4 PoolManager), an owner's withdrawals, price moves, and an attacker who
///         calls callbacks, starts loans to the executor, and tries the operator's and owner's
///         functions, and who lists a token of its own in two pairs the operator trades through,
///         whose every transfer calls into the executor or a lender. Ghost state records what
///         should have happened.
contract ExecutorHandler is Test {
    FlashArbExecutor public immutable executor;
    MintableERC20 public immutable weth;
    MintableERC20 public immutable usdc;
    address public immutable vault;
    address public immutable uniPair;
    bytes public route;
    address public immutable owner;
    address public immutable operator;
    address public constant ATTACKER = address(0xBAD);
    CallbackAttacker public immutable attackerContract;
    /// @dev The attacker's token, dearer on Sushiswap than on Uniswap: `evilRoute` buys it on
    ///      Uniswap and sells it on Sushiswap.
    ReentrantToken public evil;
    bytes public evilRoute;
    address public poolManager;

    uint256 public ghostProfit;
    uint256 public ghostWithdrawn;
    uint256 public ghostTrades;
    uint256 public ghostAttackerSuccesses;
    /// @dev USDC (the route's intermediate token, not the loan token) the executor holds besides
    ///      its trades: deposited by anyone, withdrawn only by the owner.
    uint256 public ghostHeldUsdc;

    constructor(
        FlashArbExecutor executor_,
        MintableERC20 weth_,
        MintableERC20 usdc_,
        address vault_,
        address uniPair_,
        bytes memory route_,
        address owner_,
        address operator_
    ) {
        executor = executor_;
        weth = weth_;
        usdc = usdc_;
        vault = vault_;
        uniPair = uniPair_;
        route = route_;
        owner = owner_;
        operator = operator_;
        attackerContract = new CallbackAttacker();
    }

    /// @notice The attacker's token and pools, and the V4 PoolManager its token may call.
    function setAttackerMarket(ReentrantToken evil_, bytes calldata evilRoute_, address poolManager_) external {
        require(address(evil) == address(0), "set once");
        evil = evil_;
        evilRoute = evilRoute_;
        poolManager = poolManager_;
    }

    /// @notice The operator trades through the attacker's pools while its token's transfer makes
    ///         the call `hookSeed` picks; that call must fail, and the trade's checks still decide.
    function tradeThroughAttackerToken(uint256 amount, uint256 lenderSeed, uint256 hookSeed) external {
        amount = bound(amount, 1e15, 5e18);
        evil.setHook(_hookTarget(hookSeed), _hookData(hookSeed));
        IFlashArbExecutor.Loan memory loan = _loan(amount);
        loan.lender = _lender(lenderSeed);
        vm.prank(operator);
        try executor.execute(loan, 0, evilRoute) returns (uint256 profit) {
            ghostProfit += profit;
            ++ghostTrades;
            if (evil.hookCalled() && evil.hookSucceeded()) ++ghostAttackerSuccesses;
        } catch {}
        evil.setHook(address(0), "");
    }

    function _hookTarget(uint256 seed) private view returns (address) {
        uint256 pick = seed % 7;
        if (pick == 4) return vault;
        if (pick == 6) return poolManager;
        return address(executor);
    }

    function _hookData(uint256 seed) private view returns (bytes memory) {
        uint256 pick = seed % 7;
        address[] memory tokens = new address[](1);
        tokens[0] = address(weth);
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = 1;
        if (pick == 0) return abi.encodeCall(executor.execute, (_loan(1e18), 0, evilRoute));
        if (pick == 1) return abi.encodeCall(executor.receiveFlashLoan, (tokens, amounts, new uint256[](1), route));
        if (pick == 2) return abi.encodeCall(executor.unlockCallback, (route));
        if (pick == 3) return abi.encodeCall(executor.onMorphoFlashLoan, (1, route));
        if (pick == 4) return abi.encodeCall(IBalancerVault.flashLoan, (address(executor), tokens, amounts, route));
        if (pick == 5) return abi.encodeCall(executor.withdrawToken, (address(weth), 1));
        // Taking from the PoolManager: only possible while it is unlocked, and then the
        // attacker's own debt, which reverts the executor's whole unlock.
        return abi.encodeWithSignature("take(address,address,uint256)", address(weth), address(evil), 1);
    }

    function _lender(uint256 seed) private pure returns (IFlashArbExecutor.Lender) {
        IFlashArbExecutor.Lender[3] memory lenders = [
            IFlashArbExecutor.Lender.BalancerV2, IFlashArbExecutor.Lender.MorphoBlue, IFlashArbExecutor.Lender.UniswapV4
        ];
        return lenders[seed % 3];
    }

    function trade(uint256 amount, uint256 floor, uint256 lenderSeed) external {
        amount = bound(amount, 1e15, 100e18);
        floor = bound(floor, 0, 1e18);
        IFlashArbExecutor.Loan memory loan = _loan(amount);
        loan.lender = _lender(lenderSeed);
        vm.prank(operator);
        try executor.execute(loan, floor, route) returns (uint256 profit) {
            ghostProfit += profit;
            ++ghostTrades;
        } catch {}
    }

    /// @dev WETH → USDC on Sushiswap, USDC → DAI in a Uniswap V4 pool, DAI → WETH on Uniswap.
    bytes public v4Route;

    /// @notice The route through a V4 pool, set once.
    function setV4Route(bytes calldata route_) external {
        require(v4Route.length == 0, "set once");
        v4Route = route_;
    }

    /// @notice The operator trades through a V4 pool: its own unlock under Balancer and Morpho
    ///         loans, the loan's unlock under a V4 loan.
    function tradeThroughV4(uint256 amount, uint256 lenderSeed) external {
        amount = bound(amount, 1e15, 20e18);
        IFlashArbExecutor.Loan memory loan = _loan(amount);
        loan.lender = _lender(lenderSeed);
        vm.prank(operator);
        try executor.execute(loan, 0, v4Route) returns (uint256 profit) {
            ghostProfit += profit;
            ++ghostTrades;
        } catch {}
    }

    function movePrice(uint256 wethIn) external {
        wethIn = bound(wethIn, 1e18, 50e18);
        weth.mint(uniPair, wethIn);
        (uint256 r0, uint256 r1,) = IUniswapV2PairLike(uniPair).getReserves();
        bool wethIs0 = address(weth) < address(usdc);
        (uint256 rIn, uint256 rOut) = wethIs0 ? (r0, r1) : (r1, r0);
        uint256 out = (wethIn * 997 * rOut) / (rIn * 1000 + wethIn * 997);
        IUniswapV2PairLike(uniPair).swap(wethIs0 ? 0 : out, wethIs0 ? out : 0, address(0xdead), "");
    }

    function withdraw(uint256 amount) external {
        amount = bound(amount, 0, weth.balanceOf(address(executor)));
        vm.prank(owner);
        executor.withdrawToken(address(weth), amount);
        ghostWithdrawn += amount;
    }

    /// @notice Someone sends the executor USDC, a token its route passes through but never ends in.
    function depositUsdc(uint256 amount) external {
        amount = bound(amount, 0, 1_000_000e6);
        usdc.mint(address(executor), amount);
        ghostHeldUsdc += amount;
    }

    function withdrawUsdc(uint256 amount) external {
        amount = bound(amount, 0, usdc.balanceOf(address(executor)));
        vm.prank(owner);
        executor.withdrawToken(address(usdc), amount);
        ghostHeldUsdc -= amount;
    }

    function attackCallbacks(uint256 amount) external {
        amount = bound(amount, 0, 1e20);
        vm.startPrank(ATTACKER);
        address[] memory tokens = new address[](1);
        tokens[0] = address(weth);
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = amount;
        try executor.receiveFlashLoan(tokens, amounts, new uint256[](1), route) {
            ++ghostAttackerSuccesses;
        } catch {}
        try executor.uniswapV3SwapCallback(int256(amount), 0, abi.encodePacked(address(weth))) {
            ++ghostAttackerSuccesses;
        } catch {}
        try executor.uniswapV3FlashCallback(amount, 0, abi.encodePacked(address(weth), amount)) {
            ++ghostAttackerSuccesses;
        } catch {}
        try executor.executeOperation(address(weth), amount, 0, address(executor), "") returns (bool) {
            ++ghostAttackerSuccesses;
        } catch {}
        try executor.onMorphoFlashLoan(amount, route) {
            ++ghostAttackerSuccesses;
        } catch {}
        try executor.unlockCallback(route) {
            ++ghostAttackerSuccesses;
        } catch {}
        vm.stopPrank();
    }

    function attackWithLoan(uint256 amount) external {
        amount = bound(amount, 1, 1_000e18);
        bytes memory data =
            abi.encodePacked(IFlashArbExecutor.Lender.BalancerV2, address(weth), amount, uint256(0), uint256(0), route);
        try attackerContract.balancerLoanTo(IBalancerVault(vault), address(executor), address(weth), amount, data) {
            ++ghostAttackerSuccesses;
        } catch {}
    }

    function attackRoles(uint256 amount) external {
        vm.startPrank(ATTACKER);
        try executor.execute(_loan(bound(amount, 1, 1e20)), 0, route) {
            ++ghostAttackerSuccesses;
        } catch {}
        try executor.withdrawToken(address(weth), 1) {
            ++ghostAttackerSuccesses;
        } catch {}
        try executor.setOperator(ATTACKER, true) {
            ++ghostAttackerSuccesses;
        } catch {}
        try executor.setProfitReceiver(ATTACKER) {
            ++ghostAttackerSuccesses;
        } catch {}
        vm.stopPrank();
    }

    function _loan(uint256 amount) private view returns (IFlashArbExecutor.Loan memory) {
        return IFlashArbExecutor.Loan(IFlashArbExecutor.Lender.BalancerV2, address(weth), amount, address(0), 0);
    }
}

contract FlashArbExecutorInvariantTest is ExecutorTestBase {
    string internal constant POOL_MANAGER = "node_modules/@uniswap/v4-core/out/PoolManager.sol/PoolManager.json";
    string internal constant LIQUIDITY_ROUTER =
        "node_modules/@uniswap/v4-core/out/PoolModifyLiquidityTest.sol/PoolModifyLiquidityTest.json";
    /// @dev Morpho Blue as `npm run build` compiled it from its own sources.
    string internal constant MORPHO_BUILD = "cache/morpho-blue.json";
    uint256 internal constant LENDER_WETH = 10_000e18;

    ExecutorHandler internal handler;
    address internal morpho;
    address internal poolManager;

    function setUp() public override {
        super.setUp();
        poolManager = _deploy(vm.parseJsonBytes(vm.readFile(POOL_MANAGER), ".bytecode.object"), abi.encode(OWNER));
        morpho = _deploy(
            vm.parseBytes(
                string.concat(
                    "0x",
                    vm.parseJsonString(
                        vm.readFile(MORPHO_BUILD), ".contracts['src/Morpho.sol'].Morpho.evm.bytecode.object"
                    )
                )
            ),
            abi.encode(OWNER)
        );
        // Both lend what they hold: Morpho any token in its balance, the PoolManager by `take`.
        weth.mint(morpho, LENDER_WETH);
        weth.mint(poolManager, LENDER_WETH);
        FlashArbExecutor.V2Dex[] memory dexes = new FlashArbExecutor.V2Dex[](2);
        dexes[0] = FlashArbExecutor.V2Dex(uniFactory, pairInitCodeHash);
        dexes[1] = FlashArbExecutor.V2Dex(sushiFactory, pairInitCodeHash);
        FlashArbExecutor.Deployment memory deployment = _vaultOnly(dexes, _one(OPERATOR), address(0), new address[](0));
        deployment.morpho = morpho;
        deployment.poolManager = poolManager;
        executor = new FlashArbExecutor(deployment);
        handler = new ExecutorHandler(executor, weth, usdc, vault, uniPair, _crossDexRoute(), OWNER, OPERATOR);
        ReentrantToken evil = _evilMarket();
        // Buy EVIL on Uniswap (index 0), sell it on Sushiswap (index 1).
        bytes memory evilRoute = abi.encodePacked(_v2Hop(0, address(evil), 3000, 0), _v2Hop(1, address(weth), 3000, 0));
        handler.setAttackerMarket(evil, evilRoute, poolManager);
        handler.setV4Route(_v4Market());
        targetContract(address(handler));
    }

    /// @dev A DAI/WETH pair on Uniswap pricing WETH at 2,700 DAI, and a hookless USDC/DAI 0.01%
    ///      V4 pool at one to one, full range: WETH sold on Sushiswap for USDC, turned into DAI in
    ///      the V4 pool, buys more WETH back on Uniswap. Returns that route.
    function _v4Market() private returns (bytes memory) {
        MintableERC20 dai = new MintableERC20("Dai", "DAI", 18);
        address daiPair = IUniswapV2FactoryLike(uniFactory).createPair(address(dai), address(weth));
        dai.mint(daiPair, 2_700_000e18);
        weth.mint(daiPair, 1_000e18);
        IUniswapV2PairLike(daiPair).mint(address(this));
        bool usdcIs0 = address(usdc) < address(dai);
        IPoolManagerLike.PoolKey memory key = IPoolManagerLike.PoolKey(
            usdcIs0 ? address(usdc) : address(dai), usdcIs0 ? address(dai) : address(usdc), 100, 1, address(0)
        );
        // One USDC (6 decimals) for one DAI (18): sqrt(10^12)·2^96, or its inverse.
        uint160 oneToOne = usdcIs0 ? uint160(uint256(1e6) << 96) : uint160(uint256(1 << 96) / 1e6);
        IPoolManagerLike(poolManager).initialize(key, oneToOne);
        bytes memory routerCode = vm.parseJsonBytes(vm.readFile(LIQUIDITY_ROUTER), ".bytecode.object");
        address router = _deploy(routerCode, abi.encode(poolManager));
        usdc.mint(address(this), 3_100_000e6);
        dai.mint(address(this), 3_100_000e18);
        usdc.approve(router, type(uint256).max);
        dai.approve(router, type(uint256).max);
        // Full range; sqrt(3·10^12 · 3·10^24) of liquidity for $3,000,000 a side.
        ILiquidityRouterLike(router).modifyLiquidity(
            key, ILiquidityRouterLike.ModifyLiquidityParams(-887_272, 887_272, 3e18, bytes32(0)), ""
        );
        return abi.encodePacked(
            _v2Hop(1, address(usdc), 3000, 0),
            uint8(IFlashArbExecutor.HopKind.UniswapV4),
            address(dai),
            uint24(100),
            uint24(1),
            uint128(0),
            _v2Hop(0, address(weth), 3000, 0)
        );
    }

    /// @dev EVIL/WETH pairs on both V2 factories, EVIL 20% dearer on Sushiswap.
    function _evilMarket() private returns (ReentrantToken evil) {
        evil = new ReentrantToken();
        _seedEvilPair(evil, uniFactory, 10e18);
        _seedEvilPair(evil, sushiFactory, 12e18);
    }

    function _seedEvilPair(ReentrantToken evil, address factory, uint256 wethAmount) private {
        address pair = IUniswapV2FactoryLike(factory).createPair(address(evil), address(weth));
        evil.mint(pair, 1_000e18);
        weth.mint(pair, wethAmount);
        IUniswapV2PairLike(pair).mint(address(this));
    }

    /// @dev The attacker never holds a token and none of its calls ever succeeds.
    function invariant_attackerNeverGains() public view {
        address attacker = handler.ATTACKER();
        assertEq(weth.balanceOf(attacker) + usdc.balanceOf(attacker), 0, "attacker balance");
        address attackerContract = address(handler.attackerContract());
        assertEq(weth.balanceOf(attackerContract) + usdc.balanceOf(attackerContract), 0, "attacker contract balance");
        assertEq(weth.balanceOf(address(handler.evil())), 0, "attacker token's WETH");
        assertEq(handler.ghostAttackerSuccesses(), 0, "attacker calls that succeeded");
    }

    /// @dev The executor's balance is exactly the profits it measured less what the owner withdrew.
    function invariant_balanceFallsOnlyThroughOwnerWithdrawals() public view {
        assertEq(
            weth.balanceOf(address(executor)), handler.ghostProfit() - handler.ghostWithdrawn(), "executor WETH"
        );
        // Held USDC is never spent by a trade, though every trade passes through USDC.
        assertEq(usdc.balanceOf(address(executor)), handler.ghostHeldUsdc(), "executor USDC");
        assertEq(weth.balanceOf(vault), VAULT_WETH, "the Vault is always repaid");
        assertEq(weth.balanceOf(morpho), LENDER_WETH, "Morpho is always repaid");
        assertEq(weth.balanceOf(poolManager), LENDER_WETH, "the PoolManager is always repaid");
    }

    /// @dev No allowance from the executor survives a transaction.
    function invariant_noAllowanceRemains() public view {
        address[5] memory spenders = [vault, uniPair, sushiPair, morpho, poolManager];
        for (uint256 k; k < 5; ++k) {
            assertEq(weth.allowance(address(executor), spenders[k]), 0, "WETH allowance");
            assertEq(usdc.allowance(address(executor), spenders[k]), 0, "USDC allowance");
        }
    }
}
