document.querySelector('p').textContent += ' Assets load from the assets bucket.'
