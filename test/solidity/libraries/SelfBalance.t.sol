// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SelfBalance} from "../../../contracts/libraries/SelfBalance.sol";
import {MintableERC20} from "../../../contracts/test/tokens/MintableERC20.sol";
import {Test} from "../utils/Test.sol";

/// @notice SelfBalance's assembly against the Solidity it stands for.
contract SelfBalanceTest is Test {
    function testFuzz_isBalanceOfThis(uint256 mine, uint256 others) public {
        MintableERC20 token = new MintableERC20("T", "T", 18);
        token.mint(address(this), mine / 2);
        token.mint(address(0xBEEF), others / 2);
        assertEq(SelfBalance.get(address(token)), IERC20(address(token)).balanceOf(address(this)), "balance");
        assertEq(SelfBalance.get(address(token)), mine / 2, "minted");
    }

    function test_revertsWithoutData_forAnAccountWithoutCode() public {
        vm.expectRevert(bytes(""));
        this.balanceOf(address(0xC0DE));
    }

    function test_bubblesTheTokensRevert() public {
        address token = address(new RevertingToken());
        vm.expectRevert(bytes("no balance here"));
        this.balanceOf(token);
    }

    /// @dev External, so that the revert is the call's and `expectRevert` sees it.
    function balanceOf(address token) external view returns (uint256) {
        return SelfBalance.get(token);
    }
}

/// @dev A token whose balanceOf reverts with a message.
contract RevertingToken {
    function balanceOf(address) external pure returns (uint256) {
        revert("no balance here");
    }
}
