// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title SelfBalance
/// @notice The calling contract's balance of a token, without the ABI encoder: the executor's
///         hot path reads several per trade. test/solidity/libraries/SelfBalance.t.sol checks it
///         against the Solidity it stands for.
library SelfBalance {
    /// @notice `IERC20(token).balanceOf(address(this))`; reverts with the token's own revert
    ///         data, or with none when the token returns fewer than 32 bytes (an account
    ///         without code, for one).
    function get(address token) internal view returns (uint256 amount) {
        bytes4 selector = IERC20.balanceOf.selector;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // amount = IERC20(token).balanceOf(address(this)), encoded in scratch space.
            mstore(0x00, selector)
            mstore(0x04, address())
            if iszero(and(gt(returndatasize(), 0x1f), staticcall(gas(), token, 0x00, 0x24, 0x00, 0x20))) {
                returndatacopy(0, 0, returndatasize())
                revert(0, returndatasize())
            }
            amount := mload(0x00)
        }
    }
}
