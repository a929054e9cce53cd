// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {FlashArbExecutor} from "../../../contracts/FlashArbExecutor.sol";
import {IFlashArbExecutor} from "../../../contracts/interfaces/IFlashArbExecutor.sol";
import {CallbackAttacker} from "../../../contracts/test/attack/CallbackAttacker.sol";
import {IBalancerVault} from "../../../contracts/interfaces/external/IBalancerVault.sol";
import {ExecutorTestBase} from "./ExecutorTestBase.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Unit tests: every role and every revert path of the executor, on real Uniswap V2
///         pairs and the real Balancer Vault.
contract FlashArbExecutorTest is ExecutorTestBase {
    uint256 internal constant LOAN = 10e18;

    // ------------------------------------------------------------------ execution

    function test_executesAndKeepsMeasuredProfit() public {
        _dislocate(100e18);
        (bool repays, uint256 expected) = _expectedProfit(LOAN);
        assertTrue(repays, "scenario must be profitable");
        vm.expectEmit(address(executor));
        emit IFlashArbExecutor.ArbitrageExecuted(IFlashArbExecutor.Lender.BalancerV2, address(weth), LOAN, 0, expected);
        vm.prank(OPERATOR);
        uint256 profit = executor.execute(_balancerLoan(LOAN), expected, _crossDexRoute());
        assertEq(profit, expected, "profit");
        assertEq(weth.balanceOf(address(executor)), expected, "executor balance");
        assertEq(weth.balanceOf(vault), VAULT_WETH, "vault repaid in full");
        assertEq(weth.allowance(address(executor), vault), 0, "no allowance left");
    }

    function test_revert_floorOneWeiAboveProfit() public {
        _dislocate(100e18);
        (, uint256 expected) = _expectedProfit(LOAN);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.InsufficientProfit.selector, expected + 1, expected));
        executor.execute(_balancerLoan(LOAN), expected + 1, _crossDexRoute());
    }

    function test_revert_repaymentShortfallWithoutDislocation() public {
        uint256 usdcOut = _quote(sushiPair, address(weth), LOAN);
        uint256 wethBack = _quote(uniPair, address(usdc), usdcOut);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.RepaymentShortfall.selector, LOAN, wethBack));
        executor.execute(_balancerLoan(LOAN), 0, _crossDexRoute());
    }

    function test_profitGoesToReceiverWhenSet() public {
        _dislocate(100e18);
        (, uint256 expected) = _expectedProfit(LOAN);
        vm.prank(OWNER);
        executor.setProfitReceiver(STRANGER);
        vm.prank(OPERATOR);
        executor.execute(_balancerLoan(LOAN), 0, _crossDexRoute());
        assertEq(weth.balanceOf(STRANGER), expected, "receiver got the profit");
        assertEq(weth.balanceOf(address(executor)), 0, "executor keeps nothing");
    }

    function test_revert_hopBelowMinimum() public {
        _dislocate(100e18);
        uint256 usdcOut = _quote(sushiPair, address(weth), LOAN);
        bytes memory route = abi.encodePacked(
            _v2Hop(1, address(usdc), 3000, uint128(usdcOut + 1)), _v2Hop(0, address(weth), 3000, 0)
        );
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.HopOutputTooLow.selector, 0, usdcOut + 1, usdcOut));
        executor.execute(_balancerLoan(LOAN), 0, route);
    }

    function test_revert_feeBelowThePairsFails() public {
        // Claiming a lower fee than the pair charges asks for more than K allows.
        _dislocate(100e18);
        bytes memory route = abi.encodePacked(_v2Hop(1, address(usdc), 1000, 0), _v2Hop(0, address(weth), 3000, 0));
        vm.prank(OPERATOR);
        vm.expectRevert(bytes("UniswapV2: K"));
        executor.execute(_balancerLoan(LOAN), 0, route);
    }

    // ------------------------------------------------------------------ bad routes and lenders

    function test_revert_malformedRoutes() public {
        bytes memory route = _crossDexRoute();
        bytes memory truncated = new bytes(route.length - 1);
        for (uint256 k; k < truncated.length; ++k) {
            truncated[k] = route[k];
        }
        vm.startPrank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.MalformedRoute.selector, 41, 81));
        executor.execute(_balancerLoan(LOAN), 0, truncated);
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.MalformedRoute.selector, 0, 0));
        executor.execute(_balancerLoan(LOAN), 0, "");
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.UnknownHopKind.selector, 0, 9));
        executor.execute(_balancerLoan(LOAN), 0, abi.encodePacked(uint8(9), new bytes(60)));
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.InvalidV2Fee.selector, 0, 1_000_000));
        executor.execute(_balancerLoan(LOAN), 0, abi.encodePacked(_v2Hop(0, address(weth), 1_000_000, 0)));
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.UnknownV2Factory.selector, 0, 2, 2));
        executor.execute(_balancerLoan(LOAN), 0, abi.encodePacked(_v2Hop(2, address(weth), 3000, 0)));
        vm.expectRevert(
            abi.encodeWithSelector(IFlashArbExecutor.RouteDoesNotCloseLoop.selector, address(weth), address(usdc))
        );
        executor.execute(_balancerLoan(LOAN), 0, abi.encodePacked(_v2Hop(0, address(usdc), 3000, 0)));
        vm.stopPrank();
    }

    function test_revert_balancerHopDuringBalancerLoan() public {
        bytes memory route = abi.encodePacked(
            uint8(IFlashArbExecutor.HopKind.BalancerV2), bytes32(uint256(1)), address(weth), uint128(0)
        );
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.BalancerHopDuringBalancerLoan.selector, 0));
        executor.execute(_balancerLoan(LOAN), 0, route);
    }

    function test_revert_lendersNotConfigured() public {
        IFlashArbExecutor.Loan memory loan = _balancerLoan(LOAN);
        loan.lender = IFlashArbExecutor.Lender.AaveV3;
        vm.startPrank(OPERATOR);
        vm.expectRevert(
            abi.encodeWithSelector(IFlashArbExecutor.LenderNotConfigured.selector, IFlashArbExecutor.Lender.AaveV3)
        );
        executor.execute(loan, 0, _crossDexRoute());
        loan.lender = IFlashArbExecutor.Lender.UniswapV3;
        loan.pairToken = address(usdc);
        vm.expectRevert(
            abi.encodeWithSelector(IFlashArbExecutor.LenderNotConfigured.selector, IFlashArbExecutor.Lender.UniswapV3)
        );
        executor.execute(loan, 0, _crossDexRoute());
        loan.lender = IFlashArbExecutor.Lender.MorphoBlue;
        loan.pairToken = address(0);
        vm.expectRevert(
            abi.encodeWithSelector(IFlashArbExecutor.LenderNotConfigured.selector, IFlashArbExecutor.Lender.MorphoBlue)
        );
        executor.execute(loan, 0, _crossDexRoute());
        loan.lender = IFlashArbExecutor.Lender.UniswapV4;
        vm.expectRevert(
            abi.encodeWithSelector(IFlashArbExecutor.LenderNotConfigured.selector, IFlashArbExecutor.Lender.UniswapV4)
        );
        executor.execute(loan, 0, _crossDexRoute());
        vm.stopPrank();
    }

    function test_revert_v4HopWithoutPoolManager() public {
        bytes memory route = abi.encodePacked(
            uint8(IFlashArbExecutor.HopKind.UniswapV4), address(usdc), uint24(500), uint24(10), uint128(0)
        );
        vm.prank(OPERATOR);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFlashArbExecutor.VenueNotConfigured.selector, 0, IFlashArbExecutor.HopKind.UniswapV4
            )
        );
        executor.execute(_balancerLoan(LOAN), 0, route);
    }

    function test_revert_lenderThatDoesNotCallBack() public {
        // A "Vault" that accepts the flash loan call and returns without calling back.
        FlashArbExecutor.V2Dex[] memory dexes = new FlashArbExecutor.V2Dex[](2);
        dexes[0] = FlashArbExecutor.V2Dex(uniFactory, pairInitCodeHash);
        dexes[1] = FlashArbExecutor.V2Dex(sushiFactory, pairInitCodeHash);
        FlashArbExecutor.Deployment memory deployment = _vaultOnly(dexes, _one(OPERATOR), address(0), new address[](0));
        deployment.balancerVault = address(new SilentLender());
        FlashArbExecutor silent = new FlashArbExecutor(deployment);
        vm.prank(OPERATOR);
        vm.expectRevert(
            abi.encodeWithSelector(IFlashArbExecutor.LenderDidNotCallBack.selector, IFlashArbExecutor.Lender.BalancerV2)
        );
        silent.execute(_balancerLoan(LOAN), 0, _crossDexRoute());
    }

    function test_revert_pairTokenIsLoanToken() public {
        IFlashArbExecutor.Loan memory loan = _balancerLoan(LOAN);
        loan.lender = IFlashArbExecutor.Lender.UniswapV3;
        loan.pairToken = loan.token;
        FlashArbExecutor.V2Dex[] memory dexes = new FlashArbExecutor.V2Dex[](0);
        FlashArbExecutor.Deployment memory deployment = _vaultOnly(dexes, _one(OPERATOR), address(0), new address[](0));
        deployment.uniswapV3Factory = address(0xF);
        FlashArbExecutor withV3 = new FlashArbExecutor(deployment);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.PairTokenIsLoanToken.selector, loan.token));
        withV3.execute(loan, 0, _crossDexRoute());
    }

    function test_revert_tooManyV2Factories() public {
        FlashArbExecutor.V2Dex[] memory dexes = new FlashArbExecutor.V2Dex[](5);
        for (uint256 k; k < 5; ++k) {
            dexes[k] = FlashArbExecutor.V2Dex(uniFactory, pairInitCodeHash);
        }
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.TooManyV2Factories.selector, 5, 4));
        new FlashArbExecutor(_vaultOnly(dexes, new address[](0), address(0), new address[](0)));
    }

    function test_constructorConfiguresOperatorsReceiverAndCurvePools() public {
        FlashArbExecutor.V2Dex[] memory dexes = new FlashArbExecutor.V2Dex[](0);
        address[] memory operators = new address[](2);
        operators[0] = OPERATOR;
        operators[1] = STRANGER;
        vm.expectEmit();
        emit IFlashArbExecutor.OperatorSet(OPERATOR, true);
        FlashArbExecutor fresh = new FlashArbExecutor(_vaultOnly(dexes, operators, STRANGER, _one(address(0xC0))));
        assertTrue(fresh.isOperator(OPERATOR) && fresh.isOperator(STRANGER), "operators");
        assertEq(fresh.profitReceiver(), STRANGER, "profit receiver");
        assertTrue(fresh.isCurvePool(address(0xC0)), "curve pool");
        assertEq(fresh.owner(), OWNER, "owner");
        assertEq(fresh.v2FactoryCount(), 0, "no V2 DEX");
    }

    // ------------------------------------------------------------------ roles

    function test_revert_onlyOperatorsExecute() public {
        address[2] memory outsiders = [OWNER, STRANGER];
        for (uint256 k; k < 2; ++k) {
            vm.prank(outsiders[k]);
            vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.NotOperator.selector, outsiders[k]));
            executor.execute(_balancerLoan(LOAN), 0, _crossDexRoute());
        }
    }

    function test_revert_onlyOwnerConfigures() public {
        address[2] memory outsiders = [OPERATOR, STRANGER];
        for (uint256 k; k < 2; ++k) {
            address who = outsiders[k];
            bytes memory unauthorized = abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, who);
            vm.startPrank(who);
            vm.expectRevert(unauthorized);
            executor.setOperator(who, true);
            vm.expectRevert(unauthorized);
            executor.setProfitReceiver(who);
            vm.expectRevert(unauthorized);
            executor.setCurvePool(who, true);
            vm.expectRevert(unauthorized);
            executor.pause();
            vm.expectRevert(unauthorized);
            executor.unpause();
            vm.expectRevert(unauthorized);
            executor.withdrawToken(address(weth), 1);
            vm.expectRevert(unauthorized);
            executor.withdrawETH(1);
            vm.expectRevert(unauthorized);
            executor.transferOwnership(who);
            vm.stopPrank();
        }
    }

    function test_operatorsAreGrantedAndRevoked() public {
        vm.startPrank(OWNER);
        vm.expectEmit(address(executor));
        emit IFlashArbExecutor.OperatorSet(STRANGER, true);
        executor.setOperator(STRANGER, true);
        assertTrue(executor.isOperator(STRANGER), "granted");
        executor.setOperator(STRANGER, false);
        assertFalse(executor.isOperator(STRANGER), "revoked");
        vm.expectRevert(IFlashArbExecutor.ZeroAddress.selector);
        executor.setOperator(address(0), true);
        vm.stopPrank();
    }

    /// @dev Each operator's slot carries a copy of the pause flag and the profit receiver; every
    ///      owner change must reach every operator, including ones granted later or re-granted.
    function test_pauseAndReceiverReachEveryOperator() public {
        address second = address(0xB0B2);
        address third = address(0xCA7);
        _dislocate(100e18);
        vm.startPrank(OWNER);
        executor.setOperator(second, true);
        executor.setOperator(third, true);
        executor.setOperator(second, false);
        executor.setOperator(second, true);
        executor.pause();
        vm.stopPrank();
        for (uint256 k; k < 3; ++k) {
            vm.prank(k == 0 ? OPERATOR : k == 1 ? second : third);
            vm.expectRevert(IFlashArbExecutor.ExecutionPaused.selector);
            executor.execute(_balancerLoan(LOAN), 0, _crossDexRoute());
        }
        // Granted while paused: paused too.
        vm.prank(OWNER);
        executor.setOperator(STRANGER, true);
        vm.prank(STRANGER);
        vm.expectRevert(IFlashArbExecutor.ExecutionPaused.selector);
        executor.execute(_balancerLoan(LOAN), 0, _crossDexRoute());
        // Revoked while paused, then unpaused: refused as a non-operator, the others trade.
        vm.startPrank(OWNER);
        executor.setOperator(STRANGER, false);
        executor.setProfitReceiver(address(0xFEE));
        executor.unpause();
        vm.stopPrank();
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.NotOperator.selector, STRANGER));
        executor.execute(_balancerLoan(LOAN), 0, _crossDexRoute());
        (, uint256 expected) = _expectedProfit(LOAN);
        vm.prank(third);
        executor.execute(_balancerLoan(LOAN), 0, _crossDexRoute());
        assertEq(weth.balanceOf(address(0xFEE)), expected, "the receiver set later got the profit");
        assertTrue(executor.isOperator(second), "re-granted");
        assertFalse(executor.isOperator(STRANGER), "revoked");
    }

    function test_curvePoolsAreAllowedAndDisallowed() public {
        vm.startPrank(OWNER);
        vm.expectEmit(address(executor));
        emit IFlashArbExecutor.CurvePoolSet(STRANGER, true);
        executor.setCurvePool(STRANGER, true);
        assertTrue(executor.isCurvePool(STRANGER), "allowed");
        executor.setCurvePool(STRANGER, false);
        assertFalse(executor.isCurvePool(STRANGER), "disallowed");
        vm.stopPrank();
    }

    function test_ownershipMovesInTwoSteps() public {
        vm.prank(OWNER);
        executor.transferOwnership(STRANGER);
        assertEq(executor.owner(), OWNER, "still the old owner");
        vm.prank(STRANGER);
        executor.acceptOwnership();
        assertEq(executor.owner(), STRANGER, "new owner");
    }

    function test_pauseStopsExecutionOnlyAndWithdrawalsStillWork() public {
        weth.mint(address(executor), 5e18);
        vm.prank(OWNER);
        executor.pause();
        vm.prank(OPERATOR);
        vm.expectRevert(IFlashArbExecutor.ExecutionPaused.selector);
        executor.execute(_balancerLoan(LOAN), 0, _crossDexRoute());
        vm.prank(OWNER);
        executor.withdrawToken(address(weth), 5e18);
        assertEq(weth.balanceOf(OWNER), 5e18, "withdrawn while paused");
        vm.prank(OWNER);
        executor.setOperator(STRANGER, true);
        assertTrue(executor.isOperator(STRANGER), "configured while paused");
        vm.prank(OWNER);
        executor.unpause();
        assertFalse(executor.paused(), "unpaused");
    }

    function test_sweepSendsEverythingAboveTheThresholdToTheReceiver() public {
        weth.mint(address(executor), 10e18);
        vm.startPrank(OWNER);
        assertEq(executor.sweep(address(weth), 10e18), 0, "nothing above the threshold");
        vm.expectEmit(address(executor));
        emit IFlashArbExecutor.Swept(address(weth), OWNER, 7e18, 3e18);
        assertEq(executor.sweep(address(weth), 3e18), 7e18, "swept to the owner");
        executor.setProfitReceiver(STRANGER);
        weth.mint(address(executor), 2e18);
        assertEq(executor.sweep(address(weth), 4e18), 1e18, "swept to the receiver");
        vm.stopPrank();
        assertEq(weth.balanceOf(OWNER), 7e18, "owner");
        assertEq(weth.balanceOf(STRANGER), 1e18, "receiver");
        assertEq(weth.balanceOf(address(executor)), 4e18, "kept");
    }

    function test_revert_onlyOwnerSweeps() public {
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, OPERATOR));
        executor.sweep(address(weth), 0);
    }

    function test_withdrawETH() public {
        vm.deal(address(executor), 1 ether);
        vm.prank(OWNER);
        executor.withdrawETH(1 ether);
        assertEq(OWNER.balance, 1 ether, "owner received ETH");
    }

    // ------------------------------------------------------------------ bids to the block's builder

    /// @dev The builder's address for bid tests; set with `vm.coinbase`.
    address internal constant BUILDER = address(0xB1D);

    function test_bidPaysCoinbaseItsShareOfProfitAboveFloor() public {
        _deployWeth9Market();
        _dislocate9(100e18);
        (, uint256 profit) = _expectedProfit9(LOAN);
        uint256 floor = profit / 3;
        uint256 bid = ((profit - floor) * 2_500) / 10_000;
        assertTrue(bid != 0, "scenario must bid");
        vm.prank(OWNER);
        executor.setProfitReceiver(STRANGER);
        vm.coinbase(BUILDER);
        vm.expectEmit(address(executor));
        emit IFlashArbExecutor.ArbitrageExecuted(IFlashArbExecutor.Lender.BalancerV2, address(weth9), LOAN, 0, profit);
        vm.expectEmit(address(executor));
        emit IFlashArbExecutor.CoinbasePaid(BUILDER, bid);
        vm.prank(OPERATOR);
        uint256 received = executor.executeWithBidToBuilder(_balancerLoan9(LOAN), floor, _crossDexRoute9(), 2_500);
        assertEq(received, profit - bid, "returned what the receiver got");
        assertEq(BUILDER.balance, bid, "coinbase paid the bid in ETH");
        assertEq(weth9.balanceOf(STRANGER), profit - bid, "receiver got the rest");
        assertEq(weth9.balanceOf(address(executor)), 0, "no WETH left");
        assertEq(address(executor).balance, 0, "no ETH left");
        assertEq(weth9.balanceOf(vault), VAULT_WETH, "vault repaid");
    }

    function test_bidWithoutReceiverKeepsTheRest() public {
        _deployWeth9Market();
        _dislocate9(100e18);
        (, uint256 profit) = _expectedProfit9(LOAN);
        vm.coinbase(BUILDER);
        vm.prank(OPERATOR);
        uint256 kept = executor.executeWithBidToBuilder(_balancerLoan9(LOAN), 0, _crossDexRoute9(), 10_000);
        assertEq(kept, 0, "a full bid with no floor leaves nothing");
        assertEq(BUILDER.balance, profit, "coinbase paid the whole profit");
        assertEq(weth9.balanceOf(address(executor)), 0, "nothing kept");
    }

    function test_bidOnProfitAtFloorPaysNothing() public {
        _deployWeth9Market();
        _dislocate9(100e18);
        (, uint256 profit) = _expectedProfit9(LOAN);
        vm.coinbase(BUILDER);
        vm.recordLogs();
        vm.prank(OPERATOR);
        uint256 kept = executor.executeWithBidToBuilder(_balancerLoan9(LOAN), profit, _crossDexRoute9(), 10_000);
        assertEq(kept, profit, "the floor is kept whole");
        assertEq(BUILDER.balance, 0, "coinbase paid nothing");
        assertEq(weth9.balanceOf(address(executor)), profit, "executor keeps the profit");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 k; k < logs.length; ++k) {
            assertTrue(logs[k].topics[0] != IFlashArbExecutor.CoinbasePaid.selector, "no CoinbasePaid event");
        }
    }

    /// @dev `weth` is a mintable stand-in without `withdraw`: a bid that comes to zero never calls it.
    function test_bidOfZeroNeverCallsTheToken() public {
        _dislocate(100e18);
        (, uint256 profit) = _expectedProfit(LOAN);
        vm.coinbase(BUILDER);
        vm.startPrank(OPERATOR);
        uint256 kept = executor.executeWithBidToBuilder(_balancerLoan(LOAN), 0, _crossDexRoute(), 0);
        assertEq(kept, profit, "no bid");
        _dislocate(100e18);
        (, profit) = _expectedProfit(LOAN);
        kept = executor.executeWithBidToBuilder(_balancerLoan(LOAN), profit, _crossDexRoute(), 10_000);
        assertEq(kept, profit, "profit at the floor");
        vm.stopPrank();
        assertEq(BUILDER.balance, 0, "coinbase paid nothing");
    }

    function test_revert_bidOnTokenThatDoesNotUnwrap() public {
        _dislocate(100e18);
        (, uint256 profit) = _expectedProfit(LOAN);
        uint256 bid = (profit * 5_000) / 10_000;
        vm.coinbase(BUILDER);
        vm.prank(OPERATOR);
        vm.expectRevert(
            abi.encodeWithSelector(IFlashArbExecutor.BidUnwrapMismatch.selector, address(weth), bid, uint256(0))
        );
        executor.executeWithBidToBuilder(_balancerLoan(LOAN), 0, _crossDexRoute(), 5_000);
    }

    function test_revert_bidAboveAllOfTheExcess() public {
        _deployWeth9Market();
        _dislocate9(100e18);
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.BidTooHigh.selector, 10_001, 10_000));
        executor.executeWithBidToBuilder(_balancerLoan9(LOAN), 0, _crossDexRoute9(), 10_001);
    }

    function test_revert_bidChecksRoleAndPauseAsExecuteDoes() public {
        _deployWeth9Market();
        _dislocate9(100e18);
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.NotOperator.selector, STRANGER));
        executor.executeWithBidToBuilder(_balancerLoan9(LOAN), 0, _crossDexRoute9(), 10_001);
        vm.prank(OWNER);
        executor.pause();
        vm.prank(OPERATOR);
        vm.expectRevert(IFlashArbExecutor.ExecutionPaused.selector);
        executor.executeWithBidToBuilder(_balancerLoan9(LOAN), 0, _crossDexRoute9(), 1);
    }

    function test_revert_coinbaseThatRefusesEth() public {
        _deployWeth9Market();
        _dislocate9(100e18);
        (, uint256 profit) = _expectedProfit9(LOAN);
        // A token contract has no `receive`.
        vm.coinbase(address(usdc));
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.EthTransferFailed.selector, address(usdc), profit));
        executor.executeWithBidToBuilder(_balancerLoan9(LOAN), 0, _crossDexRoute9(), 10_000);
    }

    /// @dev A coinbase with code (an operator, even) meets the lock while it is paid.
    function test_coinbaseCannotReenter() public {
        _deployWeth9Market();
        _dislocate9(100e18);
        ReenteringCoinbase builder = new ReenteringCoinbase(_balancerLoan9(LOAN), _crossDexRoute9());
        vm.prank(OWNER);
        executor.setOperator(address(builder), true);
        vm.coinbase(address(builder));
        vm.prank(OPERATOR);
        executor.executeWithBidToBuilder(_balancerLoan9(LOAN), 0, _crossDexRoute9(), 5_000);
        assertEq(builder.reason(), abi.encodeWithSelector(IFlashArbExecutor.ExecutionInProgress.selector), "locked");
        assertTrue(address(builder).balance != 0, "paid");
    }

    /// @dev The executor takes ETH from anyone, outside a trade too, for the owner to withdraw;
    ///      a bid pays only what its own unwrap brought in, never that ETH.
    function test_ethSentOutsideATradeIsNeverBid() public {
        _deployWeth9Market();
        _dislocate9(100e18);
        (, uint256 profit) = _expectedProfit9(LOAN);
        vm.deal(STRANGER, 1 ether);
        vm.prank(STRANGER);
        (bool sent,) = address(executor).call{value: 1 ether}("");
        assertTrue(sent, "executor accepts ETH");
        vm.coinbase(BUILDER);
        vm.prank(OPERATOR);
        executor.executeWithBidToBuilder(_balancerLoan9(LOAN), 0, _crossDexRoute9(), 10_000);
        assertEq(BUILDER.balance, profit, "coinbase paid the profit, no more");
        assertEq(address(executor).balance, 1 ether, "the ETH sent stays");
        vm.prank(OWNER);
        executor.withdrawETH(1 ether);
        assertEq(OWNER.balance, 1 ether, "owner withdrew it");
    }

    // ------------------------------------------------------------------ callbacks

    function test_revert_directCallbacks() public {
        vm.startPrank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.UnexpectedCallback.selector, STRANGER, vault));
        executor.receiveFlashLoan(new address[](1), new uint256[](1), new uint256[](1), "");
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.UnexpectedCallback.selector, STRANGER, address(0)));
        executor.executeOperation(address(weth), 1, 0, address(executor), "");
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.UnexpectedCallback.selector, STRANGER, address(0)));
        executor.uniswapV3FlashCallback(0, 0, "");
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.UnexpectedCallback.selector, STRANGER, address(0)));
        executor.uniswapV3SwapCallback(1, 0, abi.encodePacked(address(weth)));
        vm.stopPrank();
    }

    function test_revert_balancerLoanStartedByAnAttacker() public {
        CallbackAttacker attacker = new CallbackAttacker();
        bytes memory data = abi.encodePacked(
            IFlashArbExecutor.Lender.BalancerV2, address(weth), LOAN, uint256(0), uint256(0), _crossDexRoute()
        );
        bytes32 actual = keccak256(data);
        vm.expectRevert(abi.encodeWithSelector(IFlashArbExecutor.UnknownLoan.selector, bytes32(0), actual));
        attacker.balancerLoanTo(IBalancerVault(vault), address(executor), address(weth), LOAN, data);
    }
}

/// @dev A lender that takes the loan call and returns without calling back.
contract SilentLender {
    fallback() external {}
}

/// @dev A coinbase that tries to trade again while it is paid, and records why it could not.
contract ReenteringCoinbase {
    IFlashArbExecutor.Loan private _loan;
    bytes private _route;
    bytes public reason;

    constructor(IFlashArbExecutor.Loan memory loan, bytes memory route) {
        _loan = loan;
        _route = route;
    }

    receive() external payable {
        try IFlashArbExecutor(msg.sender).execute(_loan, 0, _route) {}
        catch (bytes memory data) {
            reason = data;
        }
    }
}
