// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title BlocklistERC20
/// @notice Reverts any transfer to or from a blocked address, as USDC and USDT do for
///         sanctioned accounts. Used to prove a route through it fails cleanly.
contract BlocklistERC20 is ERC20 {
    /// @dev Raised when a transfer touches a blocked account.
    error BlocklistERC20Blocked(address account);
    /// @dev Raised when someone other than the deployer edits the list.
    error BlocklistERC20NotAdmin(address caller);

    /// @notice Emitted when an account is blocked or unblocked.
    event BlockedSet(address indexed account, bool blocked);

    address public immutable admin;
    mapping(address account => bool) public isBlocked;

    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {
        admin = msg.sender;
    }

    /// @notice Mints `amount` to `to`. Open to anyone: test chains only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Blocks or unblocks `account`. Deployer only.
    function setBlocked(address account, bool blocked) external {
        if (msg.sender != admin) revert BlocklistERC20NotAdmin(msg.sender);
        isBlocked[account] = blocked;
        emit BlockedSet(account, blocked);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (isBlocked[from]) revert BlocklistERC20Blocked(from);
        if (isBlocked[to]) revert BlocklistERC20Blocked(to);
        super._update(from, to, value);
    }
}
