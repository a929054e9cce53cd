// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FeeOnTransferERC20} from "../../../contracts/test/tokens/FeeOnTransferERC20.sol";
import {Test} from "../utils/Test.sol";

/// @notice The fee-on-transfer stand-in burns exactly `feeBps` of every transfer.
contract FeeOnTransferERC20FuzzTest is Test {
    FeeOnTransferERC20 internal token;
    address internal constant BOB = address(0xB0B);

    function setUp() public {
        token = new FeeOnTransferERC20("Fee On Transfer", "FOT", 100);
    }

    function test_fuzz_receiverGetsAmountLessFee(uint256 minted, uint256 sent) public {
        minted = bound(minted, 1, type(uint128).max);
        sent = bound(sent, 0, minted);
        token.mint(address(this), minted);
        uint256 fee = (sent * 100) / 10_000;
        token.transfer(BOB, sent);
        assertEq(token.balanceOf(BOB), sent - fee, "received");
        assertEq(token.balanceOf(address(this)), minted - sent, "sender balance");
        assertEq(token.totalSupply(), minted - fee, "supply shrinks by the fee");
    }

    function test_fuzz_revert_feeAbove100Percent(uint256 feeBps) public {
        feeBps = bound(feeBps, 10_001, type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(FeeOnTransferERC20.FeeOnTransferERC20FeeTooHigh.selector, 10_000, feeBps)
        );
        new FeeOnTransferERC20("x", "x", feeBps);
    }
}
