// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BlocklistERC20} from "../../../contracts/test/tokens/BlocklistERC20.sol";
import {Test} from "../utils/Test.sol";

/// @notice The blocklist stand-in reverts transfers touching a blocked account, like USDC.
contract BlocklistERC20Test is Test {
    BlocklistERC20 internal token;
    address internal constant CAROL = address(0xCA401);

    function setUp() public {
        token = new BlocklistERC20("Blocklist Token", "BLOCK");
        token.mint(address(this), 100 ether);
    }

    function test_revert_transferToBlocked() public {
        token.setBlocked(CAROL, true);
        vm.expectRevert(abi.encodeWithSelector(BlocklistERC20.BlocklistERC20Blocked.selector, CAROL));
        token.transfer(CAROL, 1 ether);
    }

    function test_revert_transferFromBlocked() public {
        token.transfer(CAROL, 1 ether);
        token.setBlocked(CAROL, true);
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(BlocklistERC20.BlocklistERC20Blocked.selector, CAROL));
        token.transfer(address(this), 1 ether);
    }

    function test_unblockedTransfersWork() public {
        token.setBlocked(CAROL, true);
        token.setBlocked(CAROL, false);
        token.transfer(CAROL, 1 ether);
        assertEq(token.balanceOf(CAROL), 1 ether, "carol balance");
    }

    function test_revert_onlyAdminEditsTheList() public {
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(BlocklistERC20.BlocklistERC20NotAdmin.selector, CAROL));
        token.setBlocked(CAROL, true);
    }
}
