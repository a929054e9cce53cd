// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {NoReturnERC20} from "../../../contracts/test/tokens/NoReturnERC20.sol";
import {Test} from "../utils/Test.sol";

/// @notice The USDT stand-in must behave like USDT, or tests against it prove nothing.
contract NoReturnERC20Test is Test {
    using SafeERC20 for IERC20;

    NoReturnERC20 internal token;
    address internal constant ALICE = address(0xA11CE);

    function setUp() public {
        token = new NoReturnERC20("Tether USD", "USDT", 6);
        token.mint(address(this), 1_000e6);
    }

    function test_transferReturnsNoData() public {
        (bool ok, bytes memory data) =
            address(token).call(abi.encodeWithSelector(NoReturnERC20.transfer.selector, ALICE, 1e6));
        assertTrue(ok, "transfer failed");
        assertEq(data.length, 0, "transfer returned data");
        assertEq(token.balanceOf(ALICE), 1e6, "alice balance");
    }

    function test_revert_callerExpectingBoolReverts() public {
        // IERC20.transfer decodes a bool from empty returndata and reverts, exactly as with USDT.
        vm.expectRevert();
        this.plainTransfer(ALICE, 1e6);
    }

    function plainTransfer(address to, uint256 amount) external {
        require(IERC20(address(token)).transfer(to, amount), "transfer returned false");
    }

    function test_safeTransferWorks() public {
        IERC20(address(token)).safeTransfer(ALICE, 5e6);
        assertEq(token.balanceOf(ALICE), 5e6, "alice balance");
    }

    function test_revert_approveNonZeroToNonZero() public {
        token.approve(ALICE, 1);
        vm.expectRevert(abi.encodeWithSelector(NoReturnERC20.NoReturnERC20AllowanceNotZero.selector, 1));
        token.approve(ALICE, 2);
    }

    function test_forceApproveResetsFirst() public {
        token.approve(ALICE, 1);
        IERC20(address(token)).forceApprove(ALICE, 2);
        assertEq(token.allowance(address(this), ALICE), 2, "allowance");
    }

    function test_revert_transferMoreThanBalance() public {
        vm.expectRevert(
            abi.encodeWithSelector(NoReturnERC20.NoReturnERC20InsufficientBalance.selector, 2_000e6, 1_000e6)
        );
        token.transfer(ALICE, 2_000e6);
    }
}
