// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FlashArbExecutor} from "../../../contracts/FlashArbExecutor.sol";
import {IFlashArbExecutor} from "../../../contracts/interfaces/IFlashArbExecutor.sol";
import {CallbackAttacker} from "../../../contracts/test/attack/CallbackAttacker.sol";
import {IBalancerVault} from "../../../contracts/interfaces/external/IBalancerVault.sol";
import {MintableERC20} from "../../../contracts/test/tokens/MintableERC20.sol";
import {ExecutorTestBase, IUniswapV2PairLike} from "./ExecutorTestBase.sol";
import {Test} from "../utils/Test.sol";

/// @notice Drives the executor with an operator's trades (borrowing from Balancer, Morpho Blue or
///         the Uniswap V4 PoolManager), an owner's withdrawals, price moves, and an attacker who
///         calls callbacks, starts loans to the executor, and tries the operator's and owner's
///         functions. Ghost state records what should have happened.
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

    function trade(uint256 amount, uint256 floor, uint256 lenderSeed) external {
        amount = bound(amount, 1e15, 100e18);
        floor = bound(floor, 0, 1e18);
        IFlashArbExecutor.Lender[3] memory lenders = [
            IFlashArbExecutor.Lender.BalancerV2, IFlashArbExecutor.Lender.MorphoBlue, IFlashArbExecutor.Lender.UniswapV4
        ];
        IFlashArbExecutor.Loan memory loan = _loan(amount);
        loan.lender = lenders[lenderSeed % 3];
        vm.prank(operator);
        try executor.execute(loan, floor, route) returns (uint256 profit) {
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
        targetContract(address(handler));
    }

    /// @dev The attacker never holds a token and none of its calls ever succeeds.
    function invariant_attackerNeverGains() public view {
        address attacker = handler.ATTACKER();
        assertEq(weth.balanceOf(attacker) + usdc.balanceOf(attacker), 0, "attacker balance");
        address attackerContract = address(handler.attackerContract());
        assertEq(weth.balanceOf(attackerContract) + usdc.balanceOf(attackerContract), 0, "attacker contract balance");
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
