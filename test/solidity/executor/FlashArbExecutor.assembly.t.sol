// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FlashArbExecutor} from "../../../contracts/FlashArbExecutor.sol";
import {IFlashArbExecutor} from "../../../contracts/interfaces/IFlashArbExecutor.sol";
import {IBalancerVault} from "../../../contracts/interfaces/external/IBalancerVault.sol";
import {IUniswapV2Pair} from "../../../contracts/interfaces/external/IUniswapV2Pair.sol";
import {IUniswapV3SwapPool} from "../../../contracts/interfaces/external/IUniswapV3Pool.sol";
import {PoolAddress} from "../../../contracts/libraries/PoolAddress.sol";
import {CallRecorder, FlashArbExecutorHarness} from "../../../contracts/test/harness/FlashArbExecutorHarness.sol";
import {Test} from "../utils/Test.sol";

/// @notice Each of the executor's assembly blocks against the Solidity it stands for: the bytes it
///         builds equal `abi.encodePacked` / `abi.encodeCall`, it leaves claimed memory alone, and
///         it bubbles a failing call's revert.
contract FlashArbExecutorAssemblyTest is Test {
    address internal constant V3_FACTORY = address(0xFAC7);
    bytes32 internal constant V3_INIT_CODE_HASH = keccak256("a pool's init code");
    uint160 internal constant MIN_LIMIT = 4_295_128_740;
    uint160 internal constant MAX_LIMIT = 1_461_446_703_485_210_103_287_273_052_203_988_822_378_723_970_341;

    FlashArbExecutorHarness internal harness;

    function setUp() public {
        harness = new FlashArbExecutorHarness(
            FlashArbExecutor.Deployment({
                owner: address(this),
                aavePool: address(0),
                balancerVault: address(0),
                morpho: address(0),
                poolManager: address(0),
                uniswapV3Factory: V3_FACTORY,
                uniswapV3InitCodeHash: V3_INIT_CODE_HASH,
                v2Dexes: new FlashArbExecutor.V2Dex[](0),
                operators: new address[](0),
                profitReceiver: address(0),
                curvePools: new address[](0)
            })
        );
    }

    // ------------------------------------------------------------------ loan data

    function testFuzz_loanData_isEncodePacked(
        uint8 head,
        address token,
        uint256 amount,
        uint256 minProfit,
        uint256 balanceBefore,
        bytes calldata route
    ) public view {
        (bytes memory data, uint256 freeBefore, uint256 freeAfter, uint256 at) =
            harness.loanData(head, token, amount, minProfit, balanceBefore, route);
        assertEq(data, abi.encodePacked(head, token, amount, minProfit, balanceBefore, route), "bytes");
        // Allocated at the free pointer, which then moves past it, word-aligned.
        assertEq(at, freeBefore, "allocated where memory was free");
        assertEq(freeAfter, freeBefore + 32 + ((117 + route.length + 31) / 32) * 32, "free pointer after");
    }

    function testFuzz_appendLiquidation_isEncodePacked(
        uint8 head,
        bytes calldata route,
        address collateral,
        address user,
        uint256 debtToCover
    ) public view {
        IFlashArbExecutor.Liquidation memory liquidation = IFlashArbExecutor.Liquidation(collateral, user, debtToCover);
        (bytes memory data, uint256 freeAfter) = harness.loanDataWithLiquidation(head, route, liquidation);
        bytes memory expected = abi.encodePacked(
            head, address(0), uint256(1), uint256(2), uint256(3), route, collateral, user, debtToCover
        );
        assertEq(data, expected, "bytes");
        assertEq(freeAfter % 32, 0, "free pointer word-aligned");
    }

    function testFuzz_consumePendingLoan_hashesTheCalldata(uint8 lender, bool liquidation, bytes calldata rest)
        public
    {
        lender = uint8(bound(lender, 0, uint8(type(IFlashArbExecutor.Lender).max)));
        bytes memory data = abi.encodePacked(liquidation ? lender | 0x80 : lender, rest);
        IFlashArbExecutor.Lender which = IFlashArbExecutor.Lender(lender);
        // The pending loan's hash is consumed and the state marks the loan called back.
        assertEq(harness.consumePendingLoan(keccak256(data), which, data), bytes32(uint256(1)), "called back");
        // Another hash: refused, naming both.
        bytes32 other = keccak256(abi.encodePacked(data, uint8(1)));
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.UnknownLoan.selector, other, keccak256(data)));
        harness.consumePendingLoan(other, which, data);
    }

    function test_consumePendingLoan_refusesTheRightDataFromAnotherLender() public {
        bytes memory data = abi.encodePacked(uint8(IFlashArbExecutor.Lender.MorphoBlue), uint256(7));
        vm.expectRevert(
            abi.encodeWithSelector(IFlashArbExecutor.UnknownLoan.selector, keccak256(data), keccak256(data))
        );
        harness.consumePendingLoan(keccak256(data), IFlashArbExecutor.Lender.UniswapV4, data);
    }

    // ------------------------------------------------------------------ calls

    function testFuzz_balancerFlashLoan_isEncodeCall(address token, uint256 amount, bytes calldata userData) public {
        CallRecorder vault = new CallRecorder();
        harness.balancerFlashLoan(address(vault), token, amount, userData);
        address[] memory tokens = new address[](1);
        tokens[0] = token;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = amount;
        assertEq(
            vault.lastCall(),
            abi.encodeCall(IBalancerVault.flashLoan, (address(harness), tokens, amounts, userData)),
            "calldata"
        );
    }

    function test_balancerFlashLoan_bubblesTheRevert() public {
        CallRecorder vault = new CallRecorder();
        vault.setAnswer(bytes("BAL#102"), true);
        vm.expectRevert(bytes("BAL#102"));
        harness.balancerFlashLoan(address(vault), address(1), 1, "");
    }

    function testFuzz_v2Reserves_orderedByDirection(uint112 reserve0, uint112 reserve1, bool zeroForOne) public {
        CallRecorder pair = new CallRecorder();
        pair.setViewAnswer(IUniswapV2Pair.getReserves.selector, abi.encode(reserve0, reserve1, uint32(1)));
        (uint256 reserveIn, uint256 reserveOut) = harness.v2Reserves(address(pair), zeroForOne);
        assertEq(reserveIn, zeroForOne ? reserve0 : reserve1, "reserve in");
        assertEq(reserveOut, zeroForOne ? reserve1 : reserve0, "reserve out");
    }

    function test_v2Reserves_refusesAnAccountWithoutCode() public {
        vm.expectRevert(bytes(""));
        harness.v2Reserves(address(0xDEAD), true);
    }

    function testFuzz_swapV2_isGetAmountOutAndEncodeCall(
        uint112 reserve0,
        uint112 reserve1,
        bool zeroForOne,
        uint256 fee,
        uint256 amountIn,
        address recipient
    ) public {
        reserve0 = uint112(bound(reserve0, 1, type(uint112).max));
        reserve1 = uint112(bound(reserve1, 1, type(uint112).max));
        fee = bound(fee, 0, 999_999);
        amountIn = bound(amountIn, 0, type(uint112).max);
        CallRecorder pair = new CallRecorder();
        pair.setViewAnswer(IUniswapV2Pair.getReserves.selector, abi.encode(reserve0, reserve1, uint32(1)));
        uint256 amountOut = harness.swapV2(address(pair), zeroForOne, fee, amountIn, recipient);
        (uint256 reserveIn, uint256 reserveOut) = zeroForOne ? (reserve0, reserve1) : (reserve1, reserve0);
        // UniswapV2Library.getAmountOut with the fee in millionths.
        uint256 inWithFee = amountIn * (1e6 - fee);
        assertEq(amountOut, (inWithFee * reserveOut) / (reserveIn * 1e6 + inWithFee), "amount out");
        (uint256 out0, uint256 out1) = zeroForOne ? (uint256(0), amountOut) : (amountOut, uint256(0));
        assertEq(pair.lastCall(), abi.encodeCall(IUniswapV2Pair.swap, (out0, out1, recipient, "")), "calldata");
    }

    function testFuzz_swapV3_isEncodeCall(
        address tokenIn,
        address tokenOut,
        uint24 fee,
        uint256 amountIn,
        uint256 paidOut,
        address recipient
    ) public {
        vm.assume(tokenIn != tokenOut);
        amountIn = bound(amountIn, 0, uint256(type(int256).max));
        paidOut = bound(paidOut, 0, uint256(type(int256).max));
        address pool = PoolAddress.v3Pool(V3_FACTORY, V3_INIT_CODE_HASH, tokenIn, tokenOut, fee);
        vm.etch(pool, address(new CallRecorder()).code);
        bool zeroForOne = tokenIn < tokenOut;
        int256 owed = int256(amountIn);
        int256 out = -int256(paidOut);
        CallRecorder(pool).setAnswer(abi.encode(zeroForOne ? owed : out, zeroForOne ? out : owed), false);
        (uint256 amountOut, address expectedAfter) = harness.swapV3(tokenIn, tokenOut, fee, amountIn, recipient);
        assertEq(amountOut, paidOut, "amount out");
        assertEq(expectedAfter, address(0), "expected pool cleared");
        assertEq(
            CallRecorder(pool).lastCall(),
            abi.encodeCall(
                IUniswapV3SwapPool.swap,
                (recipient, zeroForOne, owed, zeroForOne ? MIN_LIMIT : MAX_LIMIT, abi.encodePacked(tokenIn))
            ),
            "calldata"
        );
    }

    function test_swapV3_refusesAPoolWithoutCode() public {
        vm.expectRevert(bytes(""));
        harness.swapV3(address(1), address(2), 3000, 1, address(this));
    }
}
