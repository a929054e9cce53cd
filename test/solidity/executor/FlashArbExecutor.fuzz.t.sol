// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFlashArbExecutor} from "../../../contracts/interfaces/IFlashArbExecutor.sol";
import {ExecutorTestBase} from "./ExecutorTestBase.sol";

/// @notice Fuzz tests: the floor decides exactly as measured profit says; every hop pays what
///         Uniswap's own formula says; and routes decode exactly as they were encoded.
contract FlashArbExecutorFuzzTest is ExecutorTestBase {
    /// @dev Execution succeeds exactly when the profit, measured from balances, is at least the
    ///      floor; the profit equals the one Uniswap's formula predicts, to the wei.
    function test_fuzz_succeedsExactlyWhenProfitClearsFloor(uint256 dislocation, uint256 amount, uint256 floorSeed)
        public
    {
        dislocation = bound(dislocation, 0, 300e18);
        amount = bound(amount, 1e12, 200e18);
        _dislocate(dislocation);
        (bool repays, uint256 expected) = _expectedProfit(amount);
        // Put the floor on either side of the profit, often exactly on it.
        uint256 floor = bound(floorSeed, 0, expected * 2 + 2);
        if (floorSeed % 4 == 0) floor = expected;

        bytes memory route = _crossDexRoute();
        if (!repays) {
            uint256 wethBack = _quote(uniPair, address(usdc), _quote(sushiPair, address(weth), amount));
            vm.prank(OPERATOR);
            vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.RepaymentShortfall.selector, amount, wethBack));
            executor.execute(_balancerLoan(amount), floor, route);
        } else if (floor > expected) {
            vm.prank(OPERATOR);
            vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.InsufficientProfit.selector, floor, expected));
            executor.execute(_balancerLoan(amount), floor, route);
        } else {
            vm.prank(OPERATOR);
            uint256 profit = executor.execute(_balancerLoan(amount), floor, route);
            assertEq(profit, expected, "profit");
            assertEq(weth.balanceOf(address(executor)), expected, "balance change");
            assertEq(weth.balanceOf(vault), VAULT_WETH, "vault repaid");
        }
    }

    /// @dev Each V2 hop pays exactly UniswapV2Library.getAmountOut: a minimum one wei above it fails
    ///      and names the exact amount.
    function test_fuzz_hopPaysUniswapsAmountOut(uint256 dislocation, uint256 amount) public {
        dislocation = bound(dislocation, 50e18, 300e18);
        amount = bound(amount, 1e15, 20e18);
        _dislocate(dislocation);
        uint256 usdcOut = _quote(sushiPair, address(weth), amount);
        uint256 wethBack = _quote(uniPair, address(usdc), usdcOut);
        vm.assume(wethBack > amount);
        bytes memory tooHigh = abi.encodePacked(
            _v2Hop(1, address(usdc), 3000, 0), _v2Hop(0, address(weth), 3000, uint128(wethBack + 1))
        );
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.HopOutputTooLow.selector, 1, wethBack + 1, wethBack));
        executor.execute(_balancerLoan(amount), 0, tooHigh);

        bytes memory exact = abi.encodePacked(
            _v2Hop(1, address(usdc), 3000, uint128(usdcOut)), _v2Hop(0, address(weth), 3000, uint128(wethBack))
        );
        vm.prank(OPERATOR);
        assertEq(executor.execute(_balancerLoan(amount), 0, exact), wethBack - amount, "profit");
    }

    /// @dev A bid comes only out of the profit above the floor: the coinbase gets exactly
    ///      (profit - floor) * bidBps / 10,000 in ETH, the receiver never less than the floor, and
    ///      the two together exactly the profit measured from balances.
    function test_fuzz_bidComesOnlyOutOfProfitAboveFloor(uint256 amount, uint256 floorSeed, uint256 bidBps) public {
        _deployWeth9Market();
        _dislocate9(100e18);
        amount = bound(amount, 1e15, 20e18);
        (bool repays, uint256 profit) = _expectedProfit9(amount);
        vm.assume(repays);
        uint256 floor = bound(floorSeed, 0, profit);
        if (floorSeed % 4 == 0) floor = profit;
        bidBps = bound(bidBps, 0, 10_000);
        address builder = address(0xB1D);
        vm.coinbase(builder);
        vm.prank(OWNER);
        executor.setProfitReceiver(STRANGER);
        vm.prank(OPERATOR);
        uint256 received =
            executor.executeWithBidToBuilder(_balancerLoan9(amount), floor, _crossDexRoute9(), uint16(bidBps));
        assertEq(builder.balance, ((profit - floor) * bidBps) / 10_000, "the bid");
        assertGe(weth9.balanceOf(STRANGER), floor, "the receiver gets at least the floor");
        assertEq(received, weth9.balanceOf(STRANGER), "returns what the receiver got");
        assertEq(builder.balance + weth9.balanceOf(STRANGER), profit, "together, the measured profit");
        assertEq(weth9.balanceOf(address(executor)) + address(executor).balance, 0, "nothing left behind");
    }

    /// @dev What is packed is what decodeRoute reads back, for every hop kind.
    function test_fuzz_routeRoundTrip(
        uint8 kindSeed,
        uint8 factoryIndex,
        address tokenOut,
        uint24 fee,
        bytes32 poolId,
        address pool,
        uint8 i,
        uint8 j,
        uint128 minOut
    ) public view {
        IFlashArbExecutor.HopKind kind = IFlashArbExecutor.HopKind(kindSeed % 4);
        factoryIndex = uint8(bound(factoryIndex, 0, 1));
        i = uint8(bound(i, 0, 127));
        j = uint8(bound(j, 0, 127));
        bytes memory hop;
        if (kind == IFlashArbExecutor.HopKind.UniswapV2) {
            fee = uint24(bound(fee, 0, 999_999));
            hop = abi.encodePacked(uint8(kind), factoryIndex, tokenOut, fee, minOut);
        } else if (kind == IFlashArbExecutor.HopKind.UniswapV3) {
            hop = abi.encodePacked(uint8(kind), tokenOut, fee, minOut);
        } else if (kind == IFlashArbExecutor.HopKind.BalancerV2) {
            hop = abi.encodePacked(uint8(kind), poolId, tokenOut, minOut);
        } else {
            hop = abi.encodePacked(uint8(kind), pool, tokenOut, i, j, minOut);
        }
        // A second hop after it checks that offsets carry over and tokens chain.
        bytes memory route = abi.encodePacked(hop, _v2Hop(0, address(weth), 3000, 7));
        IFlashArbExecutor.Hop[] memory hops = executor.decodeRoute(address(weth), route);

        assertEq(hops.length, 2, "hop count");
        IFlashArbExecutor.Hop memory h = hops[0];
        assertEq(uint256(h.kind), uint256(kind), "kind");
        assertEq(h.tokenIn, address(weth), "tokenIn");
        assertEq(h.tokenOut, tokenOut, "tokenOut");
        assertEq(h.minAmountOut, minOut, "minOut");
        assertEq(h.factoryIndex, kind == IFlashArbExecutor.HopKind.UniswapV2 ? factoryIndex : 0, "factoryIndex");
        bool hasFee = kind == IFlashArbExecutor.HopKind.UniswapV2 || kind == IFlashArbExecutor.HopKind.UniswapV3;
        assertEq(h.fee, hasFee ? fee : 0, "fee");
        assertEq(h.poolId, kind == IFlashArbExecutor.HopKind.BalancerV2 ? poolId : bytes32(0), "poolId");
        bool curve = kind == IFlashArbExecutor.HopKind.Curve;
        assertEq(h.pool, curve ? pool : address(0), "pool");
        assertEq(uint256(uint8(h.i)), curve ? i : 0, "i");
        assertEq(uint256(uint8(h.j)), curve ? j : 0, "j");
        assertEq(hops[1].tokenIn, tokenOut, "second hop's input is the first's output");
        assertEq(hops[1].minAmountOut, 7, "second hop's minimum");
    }
}
